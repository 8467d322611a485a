using System.Net;
using StackExchange.Redis;

namespace Tandem.Cluster.Hosting;

/// <summary>
/// Where a cluster's membership lives, as given to <c>--cluster</c>: a Redis <c>HOST:PORT</c> (silos on
/// several machines), or <c>localhost</c> for one silo on this machine (development).
/// </summary>
public sealed record ClusterAddress(string? Redis)
{
    /// <summary>The silo-to-silo port of the development silo.</summary>
    public const int LocalSiloPort = 11111;
    /// <summary>The gateway (client) port of the development silo.</summary>
    public const int LocalGatewayPort = 30000;

    /// <summary>Localhost clustering: one development silo.</summary>
    public bool IsLocal => Redis is null;

    /// <summary>Reads a <c>--cluster</c> value.</summary>
    /// <exception cref="TandemException">It is neither <c>localhost</c> nor HOST:PORT.</exception>
    public static ClusterAddress Parse(string text)
    {
        if (text == "localhost") return new ClusterAddress((string?)null);
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), out int port) || port is < 1 or > 65535)
            throw new TandemException($"--cluster '{text}' is not a Redis HOST:PORT (e.g. 127.0.0.1:6379) nor 'localhost'");
        return new ClusterAddress(text);
    }

    /// <summary>Checks that Redis answers, so a cluster whose membership store is down fails at start-up with one line, not a retry loop.</summary>
    /// <exception cref="TandemException">Redis does not answer within two seconds.</exception>
    public void CheckReachable()
    {
        if (Redis is null) return;
        try
        {
            using var connection = ConnectionMultiplexer.Connect(new ConfigurationOptions { EndPoints = { Redis }, ConnectTimeout = 2000, AbortOnConnectFail = true, ConnectRetry = 1 });
            connection.GetDatabase().Ping();
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            throw new TandemException($"cannot reach Redis at {Redis} for cluster membership ({FirstLine(e.Message)}); start redis-server there or fix --cluster");
        }
    }

    static string FirstLine(string message) => message.Split('\n')[0].Trim().TrimEnd('.');

    /// <summary>The loopback address, where development silos listen.</summary>
    public static IPAddress Loopback => IPAddress.Loopback;
}
