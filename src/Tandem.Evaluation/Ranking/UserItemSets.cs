namespace Tandem.Evaluation.Ranking;

/// <summary>
/// A set of item ids per user, stored compressed by user (CSR): the training items to exclude from
/// a user's ranking, or the held-out items to find in it. Each user's items are sorted and distinct.
/// Immutable, so safe to read from any number of threads.
/// </summary>
public sealed class UserItemSets
{
    readonly int[] offsets;
    readonly int[] items;

    UserItemSets(int[] offsets, int[] items, int itemCount)
    {
        this.offsets = offsets;
        this.items = items;
        ItemCount = itemCount;
    }

    /// <summary>Number of users (ids 0 .. UserCount − 1); users without items have empty sets.</summary>
    public int UserCount => offsets.Length - 1;

    /// <summary>Size of the catalogue the item ids index (ids 0 .. ItemCount − 1).</summary>
    public int ItemCount { get; }

    /// <summary>Number of (user, item) entries over all users.</summary>
    public int TotalCount => items.Length;

    /// <summary>The items of <paramref name="user"/>, ascending and distinct.</summary>
    public ReadOnlySpan<int> this[int user] => items.AsSpan(offsets[user], offsets[user + 1] - offsets[user]);

    /// <summary>Where the items of <paramref name="user"/> start among all <see cref="TotalCount"/> entries.</summary>
    public int Start(int user) => offsets[user];

    /// <summary>
    /// The sets holding item <c>items[i]</c> for user <c>users[i]</c>, for every i. A pair given twice
    /// is kept once (these are sets).
    /// </summary>
    /// <exception cref="ArgumentException">The spans differ in length, or a user or item id is outside its range.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="userCount"/> or <paramref name="itemCount"/> is negative.</exception>
    public static UserItemSets FromPairs(ReadOnlySpan<int> users, ReadOnlySpan<int> items, int userCount, int itemCount)
    {
        if (userCount < 0) EvaluationThrow.OutOfRange($"userCount is {userCount}; it cannot be negative.", nameof(userCount), userCount);
        if (itemCount < 0) EvaluationThrow.OutOfRange($"itemCount is {itemCount}; it cannot be negative.", nameof(itemCount), itemCount);
        if (users.Length != items.Length)
            EvaluationThrow.Argument($"{users.Length} user ids but {items.Length} item ids; pass one user per item.", nameof(items));
        var offsets = new int[userCount + 1];
        for (int i = 0; i < users.Length; i++)
        {
            if ((uint)users[i] >= (uint)userCount)
                EvaluationThrow.Argument($"users[{i}] is {users[i]}, outside the {userCount} users (ids 0..{userCount - 1}).", nameof(users));
            if ((uint)items[i] >= (uint)itemCount)
                EvaluationThrow.Argument($"items[{i}] is {items[i]}, outside the {itemCount} items (ids 0..{itemCount - 1}).", nameof(items));
            offsets[users[i] + 1]++;
        }
        for (int u = 0; u < userCount; u++) offsets[u + 1] += offsets[u];

        // Counting sort by user, then sort and deduplicate each user's run in place, compacting as we go.
        var sorted = new int[items.Length];
        var next = offsets[..^1];
        for (int i = 0; i < users.Length; i++) sorted[next[users[i]]++] = items[i];
        int write = 0;
        for (int u = 0; u < userCount; u++)
        {
            var run = sorted.AsSpan(offsets[u], offsets[u + 1] - offsets[u]);
            run.Sort();
            offsets[u] = write;
            for (int i = 0; i < run.Length; i++)
                if (i == 0 || run[i] != run[i - 1]) sorted[write++] = run[i];
        }
        offsets[userCount] = write;
        return new UserItemSets(offsets, write == sorted.Length ? sorted : sorted[..write], itemCount);
    }
}
