using Tandem.Evaluation.Ranking;

namespace Tandem.Evaluation.Tests.Ranking;

/// <summary>Random embeddings and disjoint excluded / held-out sets from a fixed seed.</summary>
static class Fixtures
{
    /// <summary>Values in [-1, 1) with no zeros.</summary>
    public static float[] Embeddings(Random rng, int rows, int dimension)
    {
        var values = new float[rows * dimension];
        for (int i = 0; i < values.Length; i++)
        {
            float x;
            do x = (float)(rng.NextDouble() * 2 - 1); while (x == 0);
            values[i] = x;
        }
        return values;
    }

    /// <summary>
    /// Each (user, item) is excluded with probability <paramref name="excludedShare"/>, else held out with
    /// probability <paramref name="heldOutShare"/>; every fifth user has nothing held out.
    /// </summary>
    public static (UserItemSets Excluded, UserItemSets HeldOut) Split(Random rng, int users, int items, double excludedShare, double heldOutShare)
    {
        List<int> exUsers = [], exItems = [], heldUsers = [], heldItems = [];
        for (int u = 0; u < users; u++)
            for (int i = 0; i < items; i++)
            {
                double draw = rng.NextDouble();
                if (draw < excludedShare) { exUsers.Add(u); exItems.Add(i); }
                else if (u % 5 != 4 && draw < excludedShare + heldOutShare) { heldUsers.Add(u); heldItems.Add(i); }
            }
        return (UserItemSets.FromPairs(exUsers.ToArray(), exItems.ToArray(), users, items),
                UserItemSets.FromPairs(heldUsers.ToArray(), heldItems.ToArray(), users, items));
    }
}
