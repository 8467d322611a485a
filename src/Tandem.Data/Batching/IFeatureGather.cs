namespace Tandem.Data.Batching;

/// <summary>
/// Fills one feature of every batch in place of its encoded gather (e.g. leave-one-out histories),
/// on the batcher's background thread, so it must not share mutable state with the trainer.
/// </summary>
public interface IFeatureGather
{
    /// <summary>Fills <paramref name="feature"/> for the interactions <paramref name="rows"/>.</summary>
    void Gather(ReadOnlySpan<int> rows, BatchFeature feature);
}
