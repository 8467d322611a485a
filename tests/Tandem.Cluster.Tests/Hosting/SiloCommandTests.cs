using Tandem.Serving.Tests.Caching;
using Tandem.Tests;

namespace Tandem.Cluster.Tests.Hosting;

public sealed class SiloCommandTests
{
    [Fact]
    public void ASiloWhoseRedisIsDownSaysSoInOneLineAndExitsWithOne()
    {
        using var folder = new TempDirectory();
        int port = RedisServer.FreePort();
        var error = new StringWriter();
        int code = Tandem.Cli.Cli.Run(["silo", "--cluster", $"127.0.0.1:{port}", "--shards-root", folder.Path], new StringWriter(), error);
        Assert.Equal(1, code);
        string line = error.ToString().TrimEnd();
        Assert.StartsWith($"tandem: cannot reach Redis at 127.0.0.1:{port} for cluster membership", line);
        Assert.DoesNotContain('\n', line);
    }

    [Fact]
    public void AClusterThatIsNotAnAddressIsNamed()
    {
        var error = new StringWriter();
        Assert.Equal(1, Tandem.Cli.Cli.Run(["silo", "--cluster", "nowhere", "--shards-root", "."], new StringWriter(), error));
        Assert.Contains("--cluster 'nowhere' is not a Redis HOST:PORT", error.ToString());
    }
}
