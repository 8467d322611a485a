using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Tandem.Serving.Tests.Caching;

/// <summary>A real redis-server (Debian package) on a free loopback port, without persistence, stopped on dispose.</summary>
sealed class RedisServer : IDisposable
{
    readonly Process process;
    bool disposed;

    /// <summary>Starts a server; <paramref name="settings"/> are more command-line settings (e.g. <c>--maxmemory 8mb</c>).</summary>
    public RedisServer(params string[] settings)
    {
        Port = FreePort();
        var start = new ProcessStartInfo("redis-server", ["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", .. settings])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        try { process = Process.Start(start)!; }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("redis-server is not installed; apt-get install -y redis-server (.ci/run does)", e);
        }
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        for (var clock = Stopwatch.StartNew(); !Accepts(Port); Thread.Sleep(50))
            if (clock.Elapsed > TimeSpan.FromSeconds(20) || process.HasExited) throw new InvalidOperationException($"redis-server did not listen on port {Port}");
    }

    public int Port { get; }
    public string Endpoint => $"127.0.0.1:{Port}";

    /// <summary>A port nothing listens on (just released by the OS).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    static bool Accepts(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException) { return false; }
    }

    /// <summary>Stops the server; safe to call twice (a test may stop it early to see the service without it).</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        if (!process.HasExited)
        {
            process.Kill();
            process.WaitForExit();
        }
        process.Dispose();
    }
}
