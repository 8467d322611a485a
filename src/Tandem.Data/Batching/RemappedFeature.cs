using System.Buffers;

namespace Tandem.Data.Batching;

/// <summary>A feature whose example e gathers <paramref name="inner"/>'s interaction <paramref name="map"/>[e] (see <see cref="EncodedData.Paired"/>).</summary>
sealed class RemappedFeature(EncodedFeature inner, int[] map) : EncodedFeature(inner.Name, inner.Spec, null, inner.Cardinality)
{
    internal override void Gather(ReadOnlySpan<int> interactions, BatchFeature destination)
    {
        int[] rows = ArrayPool<int>.Shared.Rent(interactions.Length);
        try
        {
            for (int b = 0; b < interactions.Length; b++) rows[b] = map[interactions[b]];
            inner.Gather(rows.AsSpan(0, interactions.Length), destination);
        }
        finally { ArrayPool<int>.Shared.Return(rows); }
    }
}
