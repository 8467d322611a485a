namespace Tandem.Cluster.Serving;

/// <summary>
/// The shards a request's searches could not reach, gathered per request (an async-local scope the
/// front end opens around each request) and reported to the client in the
/// <see cref="Header"/> response header, so the JSON answer keeps its shape.
/// </summary>
public static class PartialResults
{
    /// <summary>The response header naming missing shards, e.g. <c>X-Tandem-Partial: version v2, shards 1,3 of 4 missing</c>.</summary>
    public const string Header = "X-Tandem-Partial";

    static readonly AsyncLocal<Scope?> current = new();

    /// <summary>Starts gathering for the calling async flow.</summary>
    public static Scope Begin() => current.Value = new Scope();

    /// <summary>Records that <paramref name="shards"/> of <paramref name="version"/> did not answer (nothing happens outside a scope).</summary>
    internal static void Missing(string version, int total, IEnumerable<int> shards)
    {
        if (current.Value is { } scope) lock (scope) scope.Add(version, total, shards);
    }

    /// <summary>One request's missing shards.</summary>
    public sealed class Scope
    {
        readonly SortedSet<int> shards = [];
        string version = "";
        int total;

        /// <summary>Whether any shard was missing.</summary>
        public bool IsPartial => shards.Count > 0;

        internal void Add(string version, int total, IEnumerable<int> missing)
        {
            (this.version, this.total) = (version, total);
            shards.UnionWith(missing);
        }

        /// <summary>The header value, e.g. <c>version v2, shards 1,3 of 4 missing</c>.</summary>
        public override string ToString() => $"version {version}, shards {string.Join(",", shards)} of {total} missing";
    }
}
