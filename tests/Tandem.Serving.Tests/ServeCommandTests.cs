namespace Tandem.Serving.Tests;

/// <summary><c>tandem serve</c> and <c>tandem calibrate</c> refuse bad input with one line and exit code 1.</summary>
public sealed class ServeCommandTests
{
    static (int Code, string Error) Run(params string[] args)
    {
        var error = new StringWriter();
        int code = Cli.Cli.Run(args, new StringWriter(), error);
        return (code, error.ToString().Trim());
    }

    [Fact]
    public void BadOptionsGetOneLineNamingThem()
    {
        var model = TrainedModel.Shared;
        string missing = Path.Combine(model.Directory, "missing.tandem");
        foreach (var (args, expected) in new (string[], string)[]
        {
            (["serve", "--model", missing], "missing.tandem"),
            (["serve", "--model", model.Path, "--ef", "-1"], "--ef is -1"),
            (["serve", "--model", model.Path, "--cache-size", "0"], "--cache-size is 0"),
            (["serve", "--model", model.Path, "--data-dir", model.DataDir, "--watch", Path.Combine(model.Directory, "no-such-dir")], "--watch"),
            (["serve", "--model", model.Path, "--data-dir", model.DataDir, "--redis", "no port here"], "--redis"),
            (["calibrate", "--model", missing], "missing.tandem"),
            (["calibrate", "--model", model.Path, "--negatives", "0"], "--negatives is 0"),
        })
        {
            var (code, error) = Run(args);
            Assert.True(code == 1, $"{string.Join(' ', args)} → {code}: {error}");
            Assert.StartsWith("tandem: ", error);
            Assert.Contains(expected, error);
            Assert.DoesNotContain("\n", error);
        }
    }
}
