using Tandem.Data.Batching;
using Tandem.Tensors;

namespace Tandem.Models.Towers;

/// <summary>
/// One encoded feature of a tower's batch, laid out as <see cref="BatchFeature"/> describes
/// (ids; bags by offsets; sequences as [count, MaxLength] ids with lengths; text as tokens;
/// numbers as a [count, width] tensor; image paths). Buffers may be longer than needed; only the counted part is read.
/// </summary>
public sealed class FeatureInput
{
    /// <summary>Ids.</summary>
    public int[] Ids { get; init; } = [];
    /// <summary>Bag offsets, count + 1 of them.</summary>
    public int[] Offsets { get; init; } = [];
    /// <summary>Sequence lengths, one per example.</summary>
    public int[] Lengths { get; init; } = [];
    /// <summary>Numbers, or a sequence's log(1 + hours) since each event.</summary>
    public Tensor? Values { get; init; }
    /// <summary>Image paths ("" for none), one per example.</summary>
    public string[] Texts { get; init; } = [];

    /// <summary>The input of a batch's feature, sharing its buffers (valid as long as the batch is).</summary>
    public static FeatureInput From(BatchFeature f) =>
        new() { Ids = f.Ids, Offsets = f.Offsets, Lengths = f.Lengths, Values = f.Values, Texts = f.Texts };
}

/// <summary>The features of a batch of <see cref="Count"/> examples, by name: what a tower reads.</summary>
public sealed class TowerInput
{
    readonly Dictionary<string, FeatureInput> features;

    /// <summary>An input of <paramref name="count"/> examples.</summary>
    public TowerInput(int count, Dictionary<string, FeatureInput> features)
    {
        Count = count;
        this.features = features;
    }

    /// <summary>Number of examples.</summary>
    public int Count { get; }

    /// <summary>The feature called <paramref name="name"/>.</summary>
    /// <exception cref="ModelException">The batch has no such feature.</exception>
    public FeatureInput this[string name]
    {
        get
        {
            if (!features.TryGetValue(name, out var f))
                ModelThrow.Config($"The tower reads feature '{name}', but the batch holds only: {string.Join(", ", features.Keys)}; fit the features with the model's schema.");
            return f;
        }
    }

    /// <summary>Replaces or adds a feature (e.g. an evaluation-time history).</summary>
    public void Set(string name, FeatureInput input) => features[name] = input;

    /// <summary>The features of <paramref name="batch"/>, sharing its buffers.</summary>
    public static TowerInput From(Batch batch) =>
        new(batch.Count, batch.Features.ToDictionary(f => f.Name, FeatureInput.From, StringComparer.Ordinal));
}
