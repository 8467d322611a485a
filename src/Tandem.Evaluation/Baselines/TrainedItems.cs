using Tandem.Evaluation.Ranking;

namespace Tandem.Evaluation.Baselines;

/// <summary>
/// Which items a baseline learnt anything about: those in some user's training set. The others
/// (cold items, or items only in a validation slice) score −∞, as no model can rank them.
/// </summary>
static class TrainedItems
{
    /// <summary>Per item, whether some user's set in <paramref name="training"/> holds it.</summary>
    public static bool[] Of(UserItemSets training)
    {
        var trained = new bool[training.ItemCount];
        for (int u = 0; u < training.UserCount; u++)
            foreach (int item in training[u]) trained[item] = true;
        return trained;
    }

    /// <summary>Sets the untrained items of each row of <paramref name="rows"/> (row-major, one score per item) to −∞.</summary>
    public static void Mask(Span<float> rows, bool[] trained)
    {
        for (int row = 0; row < rows.Length; row += trained.Length)
            for (int i = 0; i < trained.Length; i++)
                if (!trained[i]) rows[row + i] = float.NegativeInfinity;
    }
}
