using Tandem.Data.Batching;

namespace Tandem.Models;

/// <summary>
/// Leaves a feature's batch buffers as they are: for features no reader of the batch reads (the
/// item tower never reads user features), or that the reader replaces (evaluation histories).
/// </summary>
sealed class SkipGather : IFeatureGather
{
    public static readonly SkipGather Instance = new();

    public void Gather(ReadOnlySpan<int> rows, BatchFeature feature) { }
}
