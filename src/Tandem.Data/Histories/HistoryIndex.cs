using Tandem.Data.Tables;

namespace Tandem.Data.Histories;

/// <summary>
/// Each user's events in time order, for causal histories: the history of an interaction at
/// time t holds only the user's events strictly before t. The interaction itself (and anything
/// at the same second) is never in it, so no model can see its label through its history.
/// Build it from the training rows, so evaluation events never leak into training histories.
/// Immutable; safe to query from several threads.
/// </summary>
public sealed class HistoryIndex
{
    readonly int[] userStart; // user u's events are [userStart[u], userStart[u + 1])
    readonly long[] times;
    readonly int[] rows;

    HistoryIndex(int[] userStart, long[] times, int[] rows)
    {
        this.userStart = userStart;
        this.times = times;
        this.rows = rows;
    }

    /// <summary>Indexes the interactions <paramref name="historyRows"/> of <paramref name="log"/>.</summary>
    /// <exception cref="DataException">The log has no user or timestamp column.</exception>
    public static HistoryIndex Build(InteractionLog log, ReadOnlySpan<int> historyRows)
    {
        if (log.Timestamps is null || log.Schema.Interactions.User is null)
            DataThrow.Config(log.Interactions.Source, "histories need the interactions' user and timestamp columns");
        var users = log.UserCodes;
        var ts = log.Timestamps;
        int userCount = log.UserKeys!.Count;
        var start = new int[userCount + 1];
        foreach (int i in historyRows) start[users[i] + 1]++;
        for (int u = 0; u < userCount; u++) start[u + 1] += start[u];
        var fill = start.AsSpan(0, userCount).ToArray();
        var rows = new int[historyRows.Length];
        foreach (int i in historyRows) rows[fill[users[i]]++] = i;
        var keys = new (long Time, int Row)[rows.Length];
        for (int j = 0; j < rows.Length; j++) keys[j] = (ts[rows[j]], rows[j]);
        for (int u = 0; u < userCount; u++)
            keys.AsSpan(start[u], start[u + 1] - start[u]).Sort();
        var times = new long[rows.Length];
        for (int j = 0; j < rows.Length; j++) (times[j], rows[j]) = keys[j];
        return new HistoryIndex(start, times, rows);
    }

    /// <summary>
    /// The interactions of user <paramref name="user"/> strictly before <paramref name="time"/>,
    /// oldest first: indices into the log.
    /// </summary>
    public ReadOnlySpan<int> Before(int user, long time)
    {
        if ((uint)user >= (uint)(userStart.Length - 1)) return [];
        int lo = userStart[user], hi = userStart[user + 1];
        int end = LowerBound(times, lo, hi, time);
        return rows.AsSpan(lo, end - lo);
    }

    /// <summary>The times of the events <see cref="Before"/> returns, in the same order.</summary>
    internal ReadOnlySpan<long> TimesBefore(int user, long time)
    {
        if ((uint)user >= (uint)(userStart.Length - 1)) return [];
        int lo = userStart[user], hi = userStart[user + 1];
        return times.AsSpan(lo, LowerBound(times, lo, hi, time) - lo);
    }

    static int LowerBound(long[] a, int lo, int hi, long value)
    {
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < value) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
