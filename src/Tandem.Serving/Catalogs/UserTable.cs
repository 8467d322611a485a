namespace Tandem.Serving.Catalogs;

/// <summary>
/// The users a served model knows by id: each one's embedding, computed when the model is loaded
/// (their features are fixed until the next model, so the request path only looks them up), and
/// the items each has already interacted with. Immutable, so safe from any number of threads.
/// </summary>
public sealed class UserTable
{
    readonly Dictionary<string, int> rowOf;
    readonly float[] vectors;
    readonly int[][] seen;

    /// <summary>A table of <paramref name="users"/> with row-major <paramref name="vectors"/> and each user's seen items (<see cref="ItemCatalog"/> rows).</summary>
    /// <exception cref="ArgumentException">Lengths disagree or a user repeats.</exception>
    public UserTable(IReadOnlyList<string> users, float[] vectors, int dimension, IReadOnlyList<int[]> seen)
    {
        if (vectors.Length != (long)users.Count * dimension || seen.Count != users.Count)
            throw new ArgumentException($"The user table got {users.Count} users, {vectors.Length} floats of {dimension}-d vectors and {seen.Count} seen lists; give one of each per user.");
        Dimension = dimension;
        this.vectors = vectors;
        rowOf = new Dictionary<string, int>(users.Count, StringComparer.Ordinal);
        for (int i = 0; i < users.Count; i++)
            if (!rowOf.TryAdd(users[i], i)) throw new ArgumentException($"User '{users[i]}' appears twice in the user table.");
        // Sorted, so a filter tests membership by binary search without a per-request set.
        this.seen = seen.Select(s => s.Order().ToArray()).ToArray();
    }

    /// <summary>Embedding width.</summary>
    public int Dimension { get; }
    /// <summary>Number of users.</summary>
    public int Count => rowOf.Count;

    /// <summary>The row of user <paramref name="user"/>, or -1.</summary>
    public int RowOf(string user) => rowOf.TryGetValue(user, out int row) ? row : -1;

    /// <summary>User <paramref name="row"/>'s embedding.</summary>
    public ReadOnlySpan<float> Vector(int row) => vectors.AsSpan(row * Dimension, Dimension);

    /// <summary>The items (catalogue rows) user <paramref name="row"/> has interacted with, ascending.</summary>
    public int[] Seen(int row) => seen[row];
}
