using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace Tandem.Cluster.Grains;

/// <summary>Places replica r of shard s on the ((s + r) mod n)-th of the n compatible silos (ordered by address), so a shard's replicas sit on different silos when there are enough.</summary>
[GenerateSerializer, Immutable]
public sealed class ReplicaPlacement : PlacementStrategy
{
    /// <summary>The one instance.</summary>
    public static readonly ReplicaPlacement Instance = new();
}

/// <summary>Marks a grain class as placed by <see cref="ReplicaPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ReplicaPlacementAttribute() : PlacementAttribute(ReplicaPlacement.Instance);

/// <summary>Chooses the silo of a shard replica's activation from its key <c>{version}/{shard}/{replica}</c>.</summary>
sealed class ReplicaPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silos = context.GetCompatibleSilos(target).OrderBy(s => s.ToString(), StringComparer.Ordinal).ToArray();
        var key = ShardKey.Parse(target.GrainIdentity.Key.ToString()!);
        return Task.FromResult(silos[(key.Shard + key.Replica) % silos.Length]);
    }
}
