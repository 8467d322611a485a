using Tandem.Data.Tables;

namespace Tandem.Data.Splits;

/// <summary>
/// The standard ways to hold out interactions. Every method takes the rows to split (all of the
/// log by default), so validation is carved from training the same way:
/// <c>var val = Splitter.LeaveLastOut(log, split.Train);</c>. Deterministic for a given seed.
/// Stateless; safe from several threads.
/// </summary>
public static class Splitter
{
    /// <summary>
    /// Per-user stratified random split: each user's interactions are shuffled (seeded) and
    /// <c>floor(ratio × n)</c> go to test, but at least one stays in training.
    /// </summary>
    public static Split PerUserRandom(InteractionLog log, double testRatio, int seed, ReadOnlySpan<int> rows = default)
    {
        if (!(testRatio is >= 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(testRatio), testRatio, "The test ratio must be in [0, 1).");
        var random = new Random(seed);
        var test = new List<int>();
        foreach (var group in GroupByUser(log, Rows(log, rows)))
        {
            int take = Math.Min((int)Math.Floor(testRatio * group.Length), group.Length - 1);
            random.Shuffle(group);
            test.AddRange(group.AsSpan(0, take));
        }
        return FromTest(log, Rows(log, rows), test);
    }

    /// <summary>
    /// Random by interaction (impression), ignoring users: the rows are shuffled (seeded) and
    /// <c>round(ratio × n)</c> go to test, for data without users such as Criteo.
    /// </summary>
    public static Split Random(InteractionLog log, double testRatio, int seed, ReadOnlySpan<int> rows = default)
    {
        if (!(testRatio is >= 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(testRatio), testRatio, "The test ratio must be in [0, 1).");
        var all = Rows(log, rows);
        var shuffled = all.ToArray();
        new Random(seed).Shuffle(shuffled);
        return FromTest(log, all, [.. shuffled.AsSpan(0, (int)Math.Round(testRatio * all.Length, MidpointRounding.AwayFromZero))]);
    }

    /// <summary>Global temporal cut-off: interactions before <paramref name="cutoff"/> (Unix seconds) train, the rest test.</summary>
    public static Split Temporal(InteractionLog log, long cutoff, ReadOnlySpan<int> rows = default)
    {
        var ts = Timestamps(log);
        var all = Rows(log, rows);
        return new Split(all.Where(i => ts[i] < cutoff).ToArray(), all.Where(i => ts[i] >= cutoff).ToArray());
    }

    /// <summary>The cut-off that leaves <paramref name="testFraction"/> of the rows (the newest) on or after it.</summary>
    public static long TemporalCutoff(InteractionLog log, double testFraction, ReadOnlySpan<int> rows = default)
    {
        if (!(testFraction is > 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "The test fraction must be in (0, 1).");
        var ts = Timestamps(log);
        var times = Rows(log, rows).Select(i => ts[i]).ToArray();
        Array.Sort(times);
        return times[(int)((1 - testFraction) * times.Length)];
    }

    /// <summary>Leave-last-one-out: each user's newest interaction (ties broken by the later row) is test, for users with at least two.</summary>
    public static Split LeaveLastOut(InteractionLog log, ReadOnlySpan<int> rows = default)
    {
        var ts = Timestamps(log);
        var test = new List<int>();
        foreach (var group in GroupByUser(log, Rows(log, rows)))
        {
            if (group.Length < 2) continue;
            int last = group[0];
            foreach (int i in group)
                if (ts[i] > ts[last] || (ts[i] == ts[last] && i > last)) last = i;
            test.Add(last);
        }
        return FromTest(log, Rows(log, rows), test);
    }

    /// <summary>
    /// Cold-start items: <paramref name="itemFraction"/> of the distinct items (seeded) are held out
    /// entirely, so no test item appears in training, for content-feature experiments.
    /// </summary>
    public static Split ColdStartItems(InteractionLog log, double itemFraction, int seed, ReadOnlySpan<int> rows = default)
    {
        if (!(itemFraction is > 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(itemFraction), itemFraction, "The item fraction must be in (0, 1).");
        var items = log.ItemCodes.ToArray();
        var all = Rows(log, rows);
        var distinct = all.Select(i => items[i]).Distinct().Order().ToArray();
        new Random(seed).Shuffle(distinct);
        var held = new bool[log.ItemKeys!.Count];
        foreach (int code in distinct.AsSpan(0, (int)Math.Round(itemFraction * distinct.Length))) held[code] = true;
        return new Split(all.Where(i => !held[items[i]]).ToArray(), all.Where(i => held[items[i]]).ToArray());
    }

    static int[] Rows(InteractionLog log, ReadOnlySpan<int> rows)
    {
        if (!rows.IsEmpty) return rows.ToArray();
        var all = new int[log.Count];
        for (int i = 0; i < all.Length; i++) all[i] = i;
        return all;
    }

    static long[] Timestamps(InteractionLog log) => log.Timestamps
        ?? throw new DataException($"{log.Interactions.Source}: this split needs the interactions' timestamp column; set \"timestamp\" under \"interactions\"");

    /// <summary>Rows grouped by user, each group in ascending row order, groups in user-code order.</summary>
    static List<int[]> GroupByUser(InteractionLog log, int[] rows)
    {
        var users = log.UserCodes;
        var counts = new int[log.UserKeys!.Count];
        foreach (int i in rows) counts[users[i]]++;
        var groups = new int[counts.Length][];
        for (int u = 0; u < counts.Length; u++) groups[u] = new int[counts[u]];
        Array.Clear(counts);
        foreach (int i in rows.Order()) groups[users[i]][counts[users[i]]++] = i;
        return groups.Where(g => g.Length > 0).ToList();
    }

    static Split FromTest(InteractionLog log, int[] all, List<int> test)
    {
        var isTest = new bool[log.Count];
        foreach (int i in test) isTest[i] = true;
        return new Split(all.Where(i => !isTest[i]).Order().ToArray(), test.Order().ToArray());
    }
}
