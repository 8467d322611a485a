using Tandem.Data.Schema;
using Tandem.Tensors;

namespace Tandem.Data.Batching;

/// <summary>
/// One feature of a <see cref="Batch"/>. Which members are set depends on the encoding:
/// <list type="bullet">
/// <item>ids (id, categorical, quantile, hour/day): <see cref="Ids"/>[b], one per example;</item>
/// <item>bags (multi-categorical): example b's ids are <c>Ids[Offsets[b]..Offsets[b + 1]]</c>, pooled by <see cref="FeatureSpec.Pooling"/>;</item>
/// <item>numbers and vectors: <see cref="Values"/>, a [batch, width] tensor;</item>
/// <item>sequences: <see cref="Ids"/> is [batch, MaxLength] row-major, most recent event first, padded with 0
///   after <see cref="Lengths"/>[b] events; position j is the event's recency rank; <see cref="Values"/>
///   holds log(1 + hours) between each event and the example (0 in padding);</item>
/// <item>text: example b has <see cref="Lengths"/>[b] tokens, in reading order and example after example;
///   token t's ids (a word and its n-grams, or one word piece) are <c>Ids[Offsets[t]..Offsets[t + 1]]</c>;</item>
/// <item>images: <see cref="Texts"/>[b], the path.</item>
/// </list>
/// Buffers are reused from batch to batch and may be longer than needed; read only the counted part.
/// </summary>
public sealed class BatchFeature
{
    internal BatchFeature(string name, FeatureSpec spec, int cardinality)
    {
        Name = name;
        Spec = spec;
        Cardinality = cardinality;
    }

    /// <summary>The encoded feature's name (a timestamp yields <c>{name}.hour_of_day</c> and so on).</summary>
    public string Name { get; }

    /// <summary>The declared feature.</summary>
    public FeatureSpec Spec { get; }

    /// <summary>Number of distinct ids (embedding rows), 0 for numbers, vectors and text.</summary>
    public int Cardinality { get; }

    /// <summary>Ids; see the class remarks for the layout.</summary>
    public int[] Ids { get; internal set; } = [];

    /// <summary>How many of <see cref="Ids"/> are used.</summary>
    public int IdCount { get; internal set; }

    /// <summary>Bag offsets, batch + 1 of them; for text, token offsets, tokens + 1 of them.</summary>
    public int[] Offsets { get; internal set; } = [];

    /// <summary>Sequence lengths or tokens of text, one per example.</summary>
    public int[] Lengths { get; internal set; } = [];

    /// <summary>Numbers, vectors, or a sequence's time since each event.</summary>
    public Tensor? Values { get; internal set; }

    /// <summary>Text or image paths.</summary>
    public string[] Texts { get; internal set; } = [];

    /// <summary>
    /// Sizes a sequence feature's buffers for <paramref name="rows"/> examples, every one empty
    /// (ids, lengths and times since all 0), for an <see cref="IFeatureGather"/> to fill.
    /// </summary>
    public void ClearSequence(int rows)
    {
        int max = Spec.MaxLength;
        Ids = Ensure(Ids, rows * max);
        Lengths = Ensure(Lengths, rows);
        Ids.AsSpan(0, rows * max).Clear();
        Lengths.AsSpan(0, rows).Clear();
        EnsureValues(rows, max).Span.Clear();
        IdCount = rows * max;
    }

    /// <summary>Makes <see cref="Values"/> exactly [rows, width], reusing it if it already is.</summary>
    internal Tensor EnsureValues(int rows, int width)
    {
        if (Values is { } v && v.Rank == 2 && v.Shape[0] == rows && v.Shape[1] == width) return v;
        Values?.Dispose();
        return Values = Tensor.Empty(rows, width);
    }

    internal static int[] Ensure(int[] buffer, int length) =>
        buffer.Length >= length ? buffer : new int[Math.Max(length, buffer.Length * 2)];
}
