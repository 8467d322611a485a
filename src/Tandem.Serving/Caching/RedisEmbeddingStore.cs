using System.Runtime.InteropServices;
using StackExchange.Redis;

namespace Tandem.Serving.Caching;

/// <summary>
/// Embeddings shared by replicas in a Redis server, as little-endian float32 bytes with a
/// time-to-live. Redis being down or slow is never an error: a failed read is a miss and a failed
/// write is dropped (both counted in <see cref="Errors"/>); the client reconnects in the background.
/// Thread-safe (StackExchange.Redis multiplexes one connection).
/// </summary>
public sealed class RedisEmbeddingStore : IDisposable
{
    readonly ConnectionMultiplexer connection;
    readonly TimeSpan ttl;
    long errors;

    /// <summary>Connects (in the background if the server is not up yet) to <paramref name="endpoint"/> (<c>HOST:PORT</c>).</summary>
    /// <exception cref="TandemException">The endpoint is not HOST:PORT.</exception>
    public RedisEmbeddingStore(string endpoint, TimeSpan ttl)
    {
        var options = new ConfigurationOptions
        {
            AbortOnConnectFail = false,
            ConnectTimeout = 1000,
            // A cache lookup that takes longer than computing the embedding is worse than a miss.
            SyncTimeout = 250,
            AsyncTimeout = 250,
            ConnectRetry = 1,
        };
        int colon = endpoint.LastIndexOf(':');
        // The client would take a bare name as a host on the default port: insist on both, as documented.
        if (colon < 1 || !int.TryParse(endpoint.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
            throw new TandemException($"--redis '{endpoint}' is not HOST:PORT (e.g. 127.0.0.1:6379)");
        options.EndPoints.Add(endpoint[..colon], port);
        connection = ConnectionMultiplexer.Connect(options);
        this.ttl = ttl;
        Endpoint = endpoint;
    }

    /// <summary>The server, HOST:PORT.</summary>
    public string Endpoint { get; }
    /// <summary>Reads and writes that failed because the server was unreachable.</summary>
    public long Errors => Interlocked.Read(ref errors);
    /// <summary>Whether the connection is up.</summary>
    public bool IsConnected => connection.IsConnected;

    /// <summary>The vector under <paramref name="key"/>, or null on a miss or any Redis failure.</summary>
    public async Task<float[]?> GetAsync(string key)
    {
        if (!connection.IsConnected) { Interlocked.Increment(ref errors); return null; }
        try
        {
            var value = await connection.GetDatabase().StringGetAsync(key);
            if (value.IsNull) return null;
            byte[] bytes = (byte[])value!;
            return bytes.Length % sizeof(float) == 0 ? MemoryMarshal.Cast<byte, float>(bytes).ToArray() : null;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            Interlocked.Increment(ref errors);
            return null;
        }
    }

    /// <summary>Stores <paramref name="vector"/> under <paramref name="key"/> without waiting for the reply; failures are counted, not thrown.</summary>
    public void Set(string key, float[] vector)
    {
        if (!connection.IsConnected) { Interlocked.Increment(ref errors); return; }
        try { connection.GetDatabase().StringSet(key, MemoryMarshal.AsBytes(vector.AsSpan()).ToArray(), ttl, flags: CommandFlags.FireAndForget); }
        catch (Exception e) when (e is RedisException or TimeoutException) { Interlocked.Increment(ref errors); }
    }

    /// <summary>Closes the connection.</summary>
    public void Dispose() => connection.Dispose();
}
