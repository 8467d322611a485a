namespace Tandem.Serving.Catalogs;

/// <summary>
/// The items a served model knows: id, embedding and attributes (title, genres). The index may
/// hold more items than these (vectors with ids only); requests can name only catalogue items.
/// Immutable after construction, so safe from any number of threads.
/// </summary>
public sealed class ItemCatalog
{
    readonly Dictionary<long, int> rowOf;
    readonly float[] vectors;
    readonly string?[] titles;
    readonly string[][] genres;
    readonly ulong[] genreMasks;
    readonly Dictionary<string, int> genreBits;

    /// <summary>A catalogue of <paramref name="ids"/> with row-major <paramref name="vectors"/> (one row per id) and per-item attributes.</summary>
    /// <exception cref="ArgumentException">Lengths disagree or ids repeat.</exception>
    /// <exception cref="TandemException">There are more than 64 genres.</exception>
    public ItemCatalog(long[] ids, float[] vectors, int dimension, string?[] titles, string[][] genres)
    {
        if (vectors.Length != (long)ids.Length * dimension || titles.Length != ids.Length || genres.Length != ids.Length)
            throw new ArgumentException($"The catalogue got {ids.Length} ids, {vectors.Length} floats of {dimension}-d vectors, {titles.Length} titles and {genres.Length} genre lists; give one of each per id.");
        Ids = ids;
        Dimension = dimension;
        this.vectors = vectors;
        this.titles = titles;
        this.genres = genres;
        rowOf = new Dictionary<long, int>(ids.Length);
        for (int i = 0; i < ids.Length; i++)
            if (!rowOf.TryAdd(ids[i], i)) throw new ArgumentException($"Item id {ids[i]} appears twice in the catalogue.");
        var names = genres.SelectMany(g => g).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        // One bit per genre keeps a filter's per-candidate test to one AND.
        if (names.Length > 64) throw new TandemException($"The catalogue has {names.Length} genres; filters support at most 64.");
        genreBits = names.Select((g, i) => (g, i)).ToDictionary(p => p.g, p => p.i, StringComparer.Ordinal);
        genreMasks = genres.Select(list => list.Aggregate(0UL, (mask, g) => mask | 1UL << genreBits[g])).ToArray();
        Genres = names;
    }

    /// <summary>Item ids, in row order.</summary>
    public IReadOnlyList<long> Ids { get; }
    /// <summary>Embedding width.</summary>
    public int Dimension { get; }
    /// <summary>Every genre, sorted.</summary>
    public IReadOnlyList<string> Genres { get; }
    /// <summary>Number of items.</summary>
    public int Count => Ids.Count;

    /// <summary>The row of item <paramref name="id"/>, or -1.</summary>
    public int RowOf(long id) => rowOf.TryGetValue(id, out int row) ? row : -1;

    /// <summary>Item <paramref name="row"/>'s embedding.</summary>
    public ReadOnlySpan<float> Vector(int row) => vectors.AsSpan(row * Dimension, Dimension);

    /// <summary>Item <paramref name="row"/>'s title, or null.</summary>
    public string? Title(int row) => titles[row];

    /// <summary>Item <paramref name="row"/>'s genres.</summary>
    public string[] GenresOf(int row) => genres[row];

    /// <summary>The bit of <paramref name="genre"/>, or -1 when no item has it.</summary>
    public int GenreBit(string genre) => genreBits.TryGetValue(genre, out int bit) ? bit : -1;

    /// <summary>Item <paramref name="row"/>'s genres as bits (<see cref="GenreBit"/>).</summary>
    public ulong GenreMask(int row) => genreMasks[row];
}
