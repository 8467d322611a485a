using Tandem.Retrieval;

namespace Tandem.Cluster.Grains;

/// <summary>One shard's answer to a search: the version that answered (the front end checks it is the one it asked), the shard, and its top K (ids -1 pad).</summary>
[GenerateSerializer, Immutable]
public sealed class ShardAnswer
{
    /// <summary>The version whose files the answering replica loaded.</summary>
    [Id(0)] public required string Version { get; init; }
    /// <summary>The shard that answered.</summary>
    [Id(1)] public required int Shard { get; init; }
    /// <summary>Scores, best first.</summary>
    [Id(2)] public required float[] Scores { get; init; }
    /// <summary>Item ids beside <see cref="Scores"/>; -1 pads.</summary>
    [Id(3)] public required long[] Ids { get; init; }
}

/// <summary>
/// A search filter that crosses the wire: an allow-list or a deny-list of ids (sorted), and the answer for
/// ids at or past <see cref="Universe"/>. Built from any <see cref="IdFilter"/> by asking it about every
/// id below the universe (the catalogue), so the shard applies it inside its search.
/// </summary>
[GenerateSerializer, Immutable]
public sealed class ShardFilter
{
    /// <summary>Ids below this are listed; the rest take <see cref="OthersAllowed"/>.</summary>
    [Id(0)] public long Universe { get; init; }
    /// <summary>True: <see cref="Ids"/> lists the ids denied; false: the ids allowed.</summary>
    [Id(1)] public bool Denies { get; init; }
    /// <summary>Sorted ids below <see cref="Universe"/>.</summary>
    [Id(2)] public long[] Ids { get; init; } = [];
    /// <summary>Whether ids at or past <see cref="Universe"/> (items added online) are allowed.</summary>
    [Id(3)] public bool OthersAllowed { get; init; }

    /// <summary>
    /// The wire form of <paramref name="filter"/> over ids 0 .. <paramref name="universe"/>-1: whichever of the
    /// allowed or denied ids is the shorter list. Ids past the universe are judged by the filter's answer for
    /// <paramref name="universe"/> itself (the service's filters treat every id outside its catalogue alike).
    /// </summary>
    public static ShardFilter From(IdFilter filter, long universe)
    {
        var allowed = new List<long>();
        var denied = new List<long>();
        for (long id = 0; id < universe; id++) (filter.Allows(id) ? allowed : denied).Add(id);
        bool denies = denied.Count <= allowed.Count;
        return new ShardFilter { Universe = universe, Denies = denies, Ids = [.. denies ? denied : allowed], OthersAllowed = filter.Allows(universe) };
    }

    /// <summary>True when <paramref name="id"/> may appear in results.</summary>
    public bool Allows(long id) => id >= Universe ? OthersAllowed : (Array.BinarySearch(Ids, id) >= 0) != Denies;
}

/// <summary>A version the cluster has loaded: its id and what a front end needs to decide whether it may serve it.</summary>
[GenerateSerializer, Immutable]
public sealed class LiveVersion
{
    /// <summary>The version id.</summary>
    [Id(0)] public required string Version { get; init; }
    /// <summary>The model file version its items were embedded with; null: any model of <see cref="Dimension"/>.</summary>
    [Id(1)] public string? Model { get; init; }
    /// <summary>Vector length.</summary>
    [Id(2)] public required int Dimension { get; init; }
    /// <summary>Shard count.</summary>
    [Id(3)] public required int Shards { get; init; }
    /// <summary>Replicas per shard.</summary>
    [Id(4)] public required int Replicas { get; init; }
    /// <summary>Metric token.</summary>
    [Id(5)] public required string Metric { get; init; }
    /// <summary>Items when built.</summary>
    [Id(6)] public required long Items { get; init; }
    /// <summary>Index spec of the shards.</summary>
    [Id(7)] public required string Spec { get; init; }
}
