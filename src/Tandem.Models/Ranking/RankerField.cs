using Tandem.Data.Encoders;
using Tandem.Data.Schema;
using Tandem.Models.Towers;
using Tandem.Tensors;
using Tandem.Tensors.Autograd;

namespace Tandem.Models.Ranking;

/// <summary>
/// One field of a ranker: an encoded feature (a batch feature's name; a timestamp gives up to three)
/// with its k-wide embedding and its linear weight. Ids (ids, categoricals, bucketed numbers, hour and
/// day) look up a table row; a bag (multi-categorical) takes the mean of its rows; a number scales one
/// vector and one weight by its value (DeepFM's convention for dense fields).
/// </summary>
sealed class RankerField
{
    readonly bool bag, dense;

    RankerField(string name, FeatureSpec spec, int cardinality, bool bag, int dimension, Random rng)
    {
        Name = name;
        Spec = spec;
        this.bag = bag;
        dense = cardinality == 0;
        int rows = dense ? 1 : cardinality;
        Embedding = Init.Table($"ranker.{name}.embedding", rows, dimension, 0.01f, rng, sparse: !dense);
        Weight = new Parameter($"ranker.{name}.weight", Tensor.Zeros(rows, 1), sparse: !dense);
    }

    /// <summary>The batch feature's name.</summary>
    public string Name { get; }
    /// <summary>The declared feature it comes from.</summary>
    public FeatureSpec Spec { get; }
    /// <summary>cardinality × k (1 × k for a number).</summary>
    public Parameter Embedding { get; }
    /// <summary>cardinality × 1 (1 × 1 for a number).</summary>
    public Parameter Weight { get; }
    /// <summary>Both parameters.</summary>
    public IEnumerable<Parameter> Parameters => [Embedding, Weight];

    /// <summary>The field's embedding (B×k) and linear term (B×1) of a batch.</summary>
    public (Variable Embedding, Variable Linear) Encode(Tape tape, TowerInput input)
    {
        var f = input[Name];
        int n = input.Count;
        if (dense)
        {
            var x = tape.Constant(f.Values!.Span[..n], n, 1);
            return (tape.MatMul(x, Embedding), tape.MatMul(x, Weight));
        }
        if (bag)
        {
            var ids = f.Ids.AsSpan(0, f.Offsets[n]);
            var offsets = f.Offsets.AsSpan(0, n + 1);
            return (tape.EmbeddingBag(Embedding, ids, offsets, mean: true), tape.EmbeddingBag(Weight, ids, offsets, mean: true));
        }
        var rows = f.Ids.AsSpan(0, n);
        return (tape.Embedding(Embedding, rows), tape.Embedding(Weight, rows));
    }

    /// <summary>
    /// The fields a ranker reads from <paramref name="fitted"/>: those of <paramref name="names"/>
    /// (declared features), or every id, categorical, multi-categorical, numeric and timestamp feature.
    /// </summary>
    /// <exception cref="ModelException">A named feature is unknown or of a kind rankers do not read.</exception>
    public static RankerField[] Of(FittedFeatures fitted, IReadOnlyList<string>? names, int dimension, Random rng)
    {
        var schema = fitted.Schema;
        foreach (var name in names ?? [])
        {
            var spec = schema.Features.FirstOrDefault(f => f.Name == name)
                ?? throw new ModelException($"ranker.features names '{name}', which the schema does not declare; features: {string.Join(", ", schema.Features.Select(f => f.Name))}");
            if (!Readable(spec.Kind))
                throw new ModelException($"ranker.features names '{name}', a {spec.Kind} feature; rankers read ids, categoricals, multi-categoricals, numbers and timestamps (a history feeds ranker.history)");
        }
        var fields = new List<RankerField>();
        foreach (var e in fitted.Encoders)
        {
            var spec = e.Spec;
            if (!Readable(spec.Kind) || names is not null && !names.Contains(spec.Name)) continue;
            switch (e)
            {
                case CategoricalEncoder c:
                    fields.Add(new RankerField(spec.Name, spec, c.Cardinality, spec.Kind == FeatureKind.MultiCategorical, dimension, rng));
                    break;
                case NumericEncoder num:
                    fields.Add(new RankerField(spec.Name, spec, num.Cardinality, false, dimension, rng));
                    break;
                case TimestampEncoder:
                    if (spec.Parts.HasFlag(TimestampParts.HourOfDay)) fields.Add(new RankerField(spec.Name + ".hour_of_day", spec, 24, false, dimension, rng));
                    if (spec.Parts.HasFlag(TimestampParts.DayOfWeek)) fields.Add(new RankerField(spec.Name + ".day_of_week", spec, 7, false, dimension, rng));
                    if (spec.Parts.HasFlag(TimestampParts.Age)) fields.Add(new RankerField(spec.Name + ".age", spec, 0, false, dimension, rng));
                    break;
            }
        }
        if (fields.Count == 0) throw new ModelException($"{schema.Files.Interactions?.Path ?? "schema"}: the ranker reads no field; declare id, categorical or numeric features");
        return [.. fields];
    }

    static bool Readable(FeatureKind kind) =>
        kind is FeatureKind.Id or FeatureKind.Categorical or FeatureKind.MultiCategorical or FeatureKind.Numeric or FeatureKind.Timestamp;
}
