using System.Buffers;

namespace Tandem.Evaluation.Metrics;

/// <summary>
/// Catalogue coverage: <c>|distinct items in any user's top K| / catalogue size</c>, the share of
/// the catalogue that the recommender shows to anyone. Most-popular lists score near K / catalogue
/// size; a personalised model should score far higher.
/// </summary>
public static class Coverage
{
    /// <summary>
    /// Coverage of <paramref name="recommended"/>, the concatenated top-K lists of all users (repeats
    /// across users expected; -1 entries, which pad short lists, are ignored), over a catalogue of
    /// <paramref name="catalogueSize"/> items numbered from 0.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="catalogueSize"/> is below 1.</exception>
    /// <exception cref="ArgumentException">An item id is outside the catalogue.</exception>
    public static double Of(ReadOnlySpan<int> recommended, int catalogueSize)
    {
        if (catalogueSize < 1)
            EvaluationThrow.OutOfRange($"catalogueSize is {catalogueSize}; a catalogue holds at least one item.", nameof(catalogueSize), catalogueSize);
        var seen = ArrayPool<bool>.Shared.Rent(catalogueSize);
        try
        {
            Array.Clear(seen, 0, catalogueSize);
            int distinct = 0;
            for (int i = 0; i < recommended.Length; i++)
            {
                int item = recommended[i];
                if (item == -1) continue;
                if ((uint)item >= (uint)catalogueSize)
                    EvaluationThrow.Argument($"recommended[{i}] is item {item}, outside the catalogue of {catalogueSize} items (ids 0..{catalogueSize - 1}).", nameof(recommended));
                if (!seen[item]) { seen[item] = true; distinct++; }
            }
            return (double)distinct / catalogueSize;
        }
        finally { ArrayPool<bool>.Shared.Return(seen); }
    }
}
