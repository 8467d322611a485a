using System.Globalization;
using Tandem.Data.Splits;
using Tandem.Data.Tables;

namespace Tandem.Data.Splits;

/// <summary>
/// The per-user stratified random 75/25 split of the PyTorch reference (bench/reference/README.md),
/// reproduced exactly so both implementations train and test on the same interactions: one
/// SplitMix64 stream seeded once; users by ascending numeric id; each user's items sorted by
/// ascending numeric id, then Fisher–Yates shuffled with <c>j = next() % (i + 1)</c>; the first
/// <c>(3n + 2) / 4</c> train, the rest test. Keys that are not all integers (data read through a
/// schema) order ordinally instead; the reference itself only has integer keys.
/// </summary>
public static class ReferenceSplit
{
    /// <summary>
    /// The split of every interaction of <paramref name="log"/>, <paramref name="testFraction"/> of each
    /// user's held out: at 0.25 the reference's own rule (the first <c>(3n + 2) / 4</c> train), else
    /// <see cref="Carve"/>'s rounding.
    /// </summary>
    public static Split Create(InteractionLog log, ulong seed = 42, double testFraction = 0.25) =>
        testFraction == 0.25
            ? Shuffled(log, Enumerable.Range(0, log.Count).ToArray(), seed, n => (3 * n + 2) / 4)
            : Carve(log, Enumerable.Range(0, log.Count).ToArray(), testFraction, seed);

    /// <summary>
    /// A validation slice carved from <paramref name="rows"/> (e.g. the training rows) the same
    /// way: per user, <c>round(fraction · n)</c> of their rows (at most n − 1, so every user keeps
    /// one) go to <see cref="Split.Test"/>, the rest to <see cref="Split.Train"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fraction"/> is not in [0, 1).</exception>
    public static Split Carve(InteractionLog log, ReadOnlySpan<int> rows, double fraction, ulong seed)
    {
        if (!(fraction >= 0 && fraction < 1)) throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "The validation fraction must be in [0, 1), e.g. 0.1.");
        return Shuffled(log, rows.ToArray(), seed, n => n - Math.Min(n - 1, (int)Math.Round(fraction * n, MidpointRounding.AwayFromZero)));
    }

    /// <summary>Each user's <paramref name="rows"/> in item-key order, shuffled; the first <paramref name="trainCount"/>(n) train.</summary>
    static Split Shuffled(InteractionLog log, int[] rows, ulong seed, Func<int, int> trainCount)
    {
        var users = log.UserCodes;
        var items = log.ItemCodes.ToArray();
        var userKey = Ranks(log.UserKeys!);
        var itemKey = Ranks(log.ItemKeys!);
        var byUser = new List<int>[userKey.Length];
        foreach (int r in rows) (byUser[users[r]] ??= []).Add(r);
        var order = Enumerable.Range(0, userKey.Length).Where(u => byUser[u] is not null).OrderBy(u => userKey[u]).ToArray();
        var rng = new SplitMix64(seed);
        var train = new List<int>();
        var test = new List<int>();
        foreach (int u in order)
        {
            var mine = byUser[u].OrderBy(r => itemKey[items[r]]).ToArray();
            for (int i = mine.Length - 1; i >= 1; i--)
            {
                int j = (int)(rng.Next() % (ulong)(i + 1));
                (mine[i], mine[j]) = (mine[j], mine[i]);
            }
            int nTrain = trainCount(mine.Length);
            train.AddRange(mine.AsSpan(0, nTrain));
            test.AddRange(mine.AsSpan(nTrain));
        }
        train.Sort();
        test.Sort();
        return new Split(train.ToArray(), test.ToArray());
    }

    /// <summary>Each key's sort rank: its numeric value when every key is an integer, else its ordinal position.</summary>
    static long[] Ranks(KeyDictionary keys)
    {
        var result = new long[keys.Count];
        for (int c = 0; c < result.Length; c++)
            if (!long.TryParse(keys[c], NumberStyles.Integer, CultureInfo.InvariantCulture, out result[c]))
            {
                var order = Enumerable.Range(0, keys.Count).OrderBy(k => keys[k], StringComparer.Ordinal).ToArray();
                for (int rank = 0; rank < order.Length; rank++) result[order[rank]] = rank;
                break;
            }
        return result;
    }
}

/// <summary>SplitMix64 (Steele, Lea and Flood 2014), the generator of the reference split.</summary>
public struct SplitMix64(ulong seed)
{
    ulong state = seed;

    /// <summary>The next 64 random bits.</summary>
    public ulong Next()
    {
        ulong z = state += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
