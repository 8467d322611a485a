using System.Runtime.InteropServices;

namespace Tandem.Data.Tables;

/// <summary>One column of a <see cref="Table"/>, stored by the type its feature needs.</summary>
public abstract class Column(string name)
{
    /// <summary>The column's name in the file.</summary>
    public string Name { get; } = name;

    /// <summary>Number of rows.</summary>
    public abstract int Count { get; }
}

/// <summary>Categorical values as codes of a <see cref="KeyDictionary"/>.</summary>
public sealed class KeyColumn(string name, KeyDictionary keys, int capacity = 0) : Column(name)
{
    internal readonly List<int> codes = new(capacity);

    /// <summary>The dictionary the codes index.</summary>
    public KeyDictionary Keys { get; } = keys;

    /// <summary>The code of each row.</summary>
    public ReadOnlySpan<int> Codes => CollectionsMarshal.AsSpan(codes);

    /// <inheritdoc/>
    public override int Count => codes.Count;
}

/// <summary>Multi-valued categorical values (<c>Adventure|Comedy</c>): a bag of codes per row.</summary>
public sealed class BagColumn(string name, KeyDictionary keys, string separator) : Column(name)
{
    internal readonly List<int> offsets = [0];
    internal readonly List<int> codes = [];

    /// <summary>The dictionary the codes index.</summary>
    public KeyDictionary Keys { get; } = keys;

    /// <summary>What separates values inside a field.</summary>
    public string Separator { get; } = separator;

    /// <summary>Row r's codes are <c>Codes[Offsets[r]..Offsets[r + 1]]</c>.</summary>
    public ReadOnlySpan<int> Offsets => CollectionsMarshal.AsSpan(offsets);

    /// <summary>All rows' codes, concatenated.</summary>
    public ReadOnlySpan<int> Codes => CollectionsMarshal.AsSpan(codes);

    /// <summary>The codes of row <paramref name="row"/>.</summary>
    public ReadOnlySpan<int> Row(int row) => Codes[offsets[row]..offsets[row + 1]];

    /// <inheritdoc/>
    public override int Count => offsets.Count - 1;
}

/// <summary>Numbers; <see cref="double.NaN"/> marks a missing value (non-finite input is rejected on read).</summary>
public sealed class NumberColumn(string name, int capacity = 0) : Column(name)
{
    internal readonly List<double> values = new(capacity);

    /// <summary>The value of each row.</summary>
    public ReadOnlySpan<double> Values => CollectionsMarshal.AsSpan(values);

    /// <inheritdoc/>
    public override int Count => values.Count;
}

/// <summary>Free text or a file path, kept as strings.</summary>
public sealed class TextColumn(string name) : Column(name)
{
    internal readonly List<string> values = [];

    /// <summary>The value of each row.</summary>
    public IReadOnlyList<string> Values => values;

    /// <inheritdoc/>
    public override int Count => values.Count;
}

/// <summary>A fixed-length float vector per row, row-major.</summary>
public sealed class VectorColumn(string name, int dimension) : Column(name)
{
    internal readonly List<float> values = [];

    /// <summary>Floats per row.</summary>
    public int Dimension { get; } = dimension;

    /// <summary>All rows' values, row-major.</summary>
    public ReadOnlySpan<float> Values => CollectionsMarshal.AsSpan(values);

    /// <summary>The vector of row <paramref name="row"/>.</summary>
    public ReadOnlySpan<float> Row(int row) => Values.Slice(row * Dimension, Dimension);

    /// <inheritdoc/>
    public override int Count => Dimension == 0 ? 0 : values.Count / Dimension;
}
