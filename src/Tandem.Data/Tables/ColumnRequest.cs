namespace Tandem.Data.Tables;

/// <summary>How a column is to be stored.</summary>
public enum ColumnType
{
    /// <summary>Categorical: a <see cref="KeyColumn"/>.</summary>
    Key,
    /// <summary>Multi-valued categorical: a <see cref="BagColumn"/>.</summary>
    Bag,
    /// <summary>A number, possibly missing: a <see cref="NumberColumn"/>.</summary>
    Number,
    /// <summary>A number that must be present (ids' timestamps, ratings, labels).</summary>
    RequiredNumber,
    /// <summary>A click label that must be exactly 0 or 1: a <see cref="NumberColumn"/>.</summary>
    Label,
    /// <summary>Text or a path: a <see cref="TextColumn"/>.</summary>
    Text,
    /// <summary>A fixed-length float vector: a <see cref="VectorColumn"/>.</summary>
    Vector,
}

/// <summary>A column to read, and how.</summary>
/// <param name="Name">The column's name in the file.</param>
/// <param name="Type">How to store it.</param>
public sealed record ColumnRequest(string Name, ColumnType Type)
{
    /// <summary>For keys and bags: the dictionary to intern into (shared across tables to join them). A new one if null.</summary>
    public KeyDictionary? Keys { get; init; }

    /// <summary>For bags: what separates values inside a field. Default <c>|</c>.</summary>
    public string Separator { get; init; } = "|";

    /// <summary>For numbers: the smallest valid value (ratings are never negative); null for no bound.</summary>
    public double? Minimum { get; init; }

    /// <summary>For vectors: floats per row.</summary>
    public int Dimension { get; init; }
}
