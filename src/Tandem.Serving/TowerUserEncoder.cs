using Tandem.Data.Encoders;
using Tandem.Data.Schema;
using Tandem.Models.Towers;
using Tandem.Serving.Api;
using Tandem.Tensors;
using Tandem.Tensors.Autograd;

namespace Tandem.Serving;

/// <summary>
/// Encodes raw features with the model's fitted encoders and runs the user tower on them.
/// The id feature of the schema's user column takes the request's user id (unknown ids map to
/// the out-of-vocabulary row, as for any cold user); categorical values must be known; a
/// history's time-since values are 0 (the events are taken as happening now).
/// Thread-safe: one forward pass at a time (towers keep per-call state on their tape).
/// </summary>
public sealed class TowerUserEncoder : IUserEncoder
{
    readonly EncoderTower tower;
    readonly FittedFeatures fitted;
    readonly string? userFeature;
    readonly Lock gate = new();
    readonly Tape tape = new();

    /// <summary>An encoder for <paramref name="tower"/> (the user tower) over <paramref name="fitted"/>.</summary>
    public TowerUserEncoder(EncoderTower tower, FittedFeatures fitted)
    {
        this.tower = tower;
        this.fitted = fitted;
        Features = tower.Modules.Select(m => m.Spec.Name).ToArray();
        ItemFeatures = tower.Modules.Select(m => m.Spec).Where(s => s.Kind == FeatureKind.Sequence && s.Column == fitted.Schema.Interactions.Item).Select(s => s.Name).ToArray();
        userFeature = tower.Modules.Select(m => m.Spec).FirstOrDefault(s => s.Kind == FeatureKind.Id && s.Column == fitted.Schema.Interactions.User)?.Name;
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> Features { get; }

    /// <inheritdoc/>
    public IReadOnlyList<string> ItemFeatures { get; }

    /// <inheritdoc/>
    public float[] Embed(string? user, RawFeatures? features, RawFeatures? context)
    {
        Check(features, "features");
        Check(context, "context");
        var inputs = new Dictionary<string, FeatureInput>(StringComparer.Ordinal);
        foreach (var module in tower.Modules)
        {
            var spec = module.Spec;
            string field = context?.ContainsKey(spec.Name) == true ? $"context.{spec.Name}" : $"features.{spec.Name}";
            string[] values = features?.GetValueOrDefault(spec.Name) ?? context?.GetValueOrDefault(spec.Name)
                ?? (spec.Name == userFeature && user is not null ? [user] : []);
            if (spec.Kind == FeatureKind.Timestamp) AddTime(inputs, spec, values, field);
            else inputs[spec.Name] = Encode(spec, values, field);
        }
        lock (gate)
        {
            using (tape.NoGrad())
            {
                var y = tower.Forward(tape, new TowerInput(1, inputs), training: false);
                float[] vector = y.Value.Span.ToArray();
                tape.Reset();
                return vector;
            }
        }
    }

    void Check(RawFeatures? given, string field)
    {
        if (given is null) return;
        foreach (string name in given.Keys)
            if (!Features.Contains(name))
                RequestThrow.Field($"{field}.{name}", $"the user tower has no feature '{name}'; it reads {string.Join(", ", Features)}");
    }

    /// <summary>
    /// A timestamp (context) feature: the request's time in Unix seconds, or now when not given, as
    /// the parts the encoder made of it in training (hour of day, day of week, age).
    /// </summary>
    void AddTime(Dictionary<string, FeatureInput> inputs, FeatureSpec spec, string[] values, string field)
    {
        if (values.Length > 1) RequestThrow.Field(field, $"give one time (Unix seconds) for feature '{spec.Name}', not {values.Length}");
        long t = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (values.Length == 1 && !long.TryParse(values[0], System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out t))
            RequestThrow.Field($"{field}[0]", $"'{values[0]}' is not a time in Unix seconds");
        var encoder = (TimestampEncoder)fitted[spec.Name];
        if (spec.Parts.HasFlag(TimestampParts.HourOfDay)) inputs[spec.Name + ".hour_of_day"] = new FeatureInput { Ids = [TimestampEncoder.HourOfDay(t)] };
        if (spec.Parts.HasFlag(TimestampParts.DayOfWeek)) inputs[spec.Name + ".day_of_week"] = new FeatureInput { Ids = [TimestampEncoder.DayOfWeek(t)] };
        if (spec.Parts.HasFlag(TimestampParts.Age))
        {
            var age = Tensor.Empty(1, 1);
            age.Span[0] = encoder.Age(t);
            inputs[spec.Name + ".age"] = new FeatureInput { Values = age };
        }
    }

    FeatureInput Encode(FeatureSpec spec, string[] values, string field)
    {
        var encoder = fitted[spec.Name] as CategoricalEncoder
            ?? throw new RequestException(field, $"feature '{spec.Name}' is {spec.Kind}; only id, categorical, multi-categorical and sequence features can be given raw");
        int Id(int i)
        {
            int id = encoder.Encode(values[i]);
            // An unknown user id is a cold user; an unknown item or category is a mistake worth reporting.
            if (id == Vocabulary.OutOfVocabulary && encoder.Vocabulary is not null && spec.Name != userFeature)
                RequestThrow.Field($"{field}[{i}]", $"'{values[i]}' is not a known value of feature '{spec.Name}'");
            return id;
        }
        switch (spec.Kind)
        {
            case FeatureKind.Id or FeatureKind.Categorical:
                if (values.Length > 1) RequestThrow.Field(field, $"feature '{spec.Name}' takes one value, got {values.Length}");
                return new FeatureInput { Ids = [values.Length == 0 ? Vocabulary.OutOfVocabulary : Id(0)] };
            case FeatureKind.MultiCategorical:
                return new FeatureInput { Ids = [.. values.Select((_, i) => Id(i))], Offsets = [0, values.Length] };
            case FeatureKind.Sequence:
                int max = spec.MaxLength;
                var ids = new int[max];
                int n = Math.Min(values.Length, max);
                for (int i = 0; i < n; i++) ids[i] = Id(i);
                return new FeatureInput { Ids = ids, Lengths = [n], Values = Tensor.Zeros(1, max) };
            default:
                throw new RequestException(field, $"feature '{spec.Name}' is {spec.Kind}; it cannot be given raw");
        }
    }
}
