namespace Tandem.Cluster.Grains;

/// <summary>
/// A user-facing error raised inside a grain (a bad or missing shard file, a failed rollout), in a form
/// Orleans can carry back to the caller; <see cref="Serving.ClusterConnection"/> turns it back into a
/// <see cref="TandemException"/>, so the CLI prints its one line.
/// </summary>
[GenerateSerializer]
public sealed class ShardException : Exception
{
    /// <summary>An error with <paramref name="message"/>.</summary>
    public ShardException(string message) : base(message) { }
}
