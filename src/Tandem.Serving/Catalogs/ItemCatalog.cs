namespace Tandem.Serving.Catalogs;

/// <summary>
/// The items a served model knows: id (any string), embedding and display fields. An item's row
/// is its position here; the index built from the model stores rows as its ids, and the service
/// answers with the ids. An index may hold more items than these (vectors with ids only);
/// requests can name only catalogue items. Immutable after construction, so safe from any number of threads.
/// </summary>
public sealed class ItemCatalog
{
    readonly Dictionary<string, int> rowOf;
    readonly float[] vectors;
    readonly int[] fieldRows;

    /// <summary>A catalogue of <paramref name="ids"/> with row-major <paramref name="vectors"/> (one row per id) and, optionally, their display fields.</summary>
    /// <exception cref="ArgumentException">Lengths disagree or ids repeat.</exception>
    public ItemCatalog(IReadOnlyList<string> ids, float[] vectors, int dimension, ItemFields? fields = null)
    {
        if (vectors.Length != (long)ids.Count * dimension)
            throw new ArgumentException($"The catalogue got {ids.Count} ids and {vectors.Length} floats of {dimension}-d vectors; give one vector per id.");
        Ids = ids;
        Dimension = dimension;
        Fields = fields;
        this.vectors = vectors;
        rowOf = new Dictionary<string, int>(ids.Count, StringComparer.Ordinal);
        for (int i = 0; i < ids.Count; i++)
            if (!rowOf.TryAdd(ids[i], i)) throw new ArgumentException($"Item id '{ids[i]}' appears twice in the catalogue.");
        fieldRows = [.. ids.Select(id => fields?.RowOf(id) ?? -1)];
    }

    /// <summary>Item ids, in row order.</summary>
    public IReadOnlyList<string> Ids { get; }
    /// <summary>Embedding width.</summary>
    public int Dimension { get; }
    /// <summary>The items' display fields, or null.</summary>
    public ItemFields? Fields { get; }
    /// <summary>Number of items.</summary>
    public int Count => Ids.Count;

    /// <summary>The row of item <paramref name="id"/>, or -1.</summary>
    public int RowOf(string id) => rowOf.TryGetValue(id, out int row) ? row : -1;

    /// <summary>Item <paramref name="row"/>'s embedding.</summary>
    public ReadOnlySpan<float> Vector(int row) => vectors.AsSpan(row * Dimension, Dimension);

    /// <summary>Every item's embedding, row-major (row i for <see cref="Ids"/>[i]).</summary>
    public ReadOnlySpan<float> Vectors => vectors;

    /// <summary>Item <paramref name="row"/>'s row in <see cref="Fields"/>, or -1 when it has no fields.</summary>
    public int FieldRow(int row) => fieldRows[row];
}
