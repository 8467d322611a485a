using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
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

    /// <summary>Most values one feature may list (a history longer than the sequence's window is read up to here: see <see cref="Encode"/>).</summary>
    public const int MaxValues = 1000;

    /// <inheritdoc/>
    /// <remarks>
    /// Every value listed is checked, but a sequence feature encodes only its first (most recent)
    /// <c>max_length</c> values: clients may send a longer history without knowing each model's
    /// window, and the rest still counts as seen for <c>excludeSeen</c>.
    /// </remarks>
    public EncodedUser Encode(string? user, RawFeatures? features, RawFeatures? context)
    {
        Check(features, "features", context);
        Check(context, "context", null);
        var inputs = new Dictionary<string, FeatureInput>(StringComparer.Ordinal);
        foreach (var module in tower.Modules)
        {
            var spec = module.Spec;
            var (values, field) = features?.GetValueOrDefault(spec.Name) is { } f ? (f, $"features.{spec.Name}")
                : context?.GetValueOrDefault(spec.Name) is { } c ? (c, $"context.{spec.Name}")
                : (spec.Name == userFeature && user is not null ? [user] : [], $"features.{spec.Name}");
            if (spec.Kind == FeatureKind.Timestamp) AddTime(inputs, spec, values, field);
            else inputs[spec.Name] = EncodeValues(spec, values, field);
        }
        return new EncodedUser(new TowerInput(1, inputs), Hash(inputs));
    }

    /// <inheritdoc/>
    public float[] Embed(EncodedUser user)
    {
        lock (gate)
        {
            using (tape.NoGrad())
            {
                var y = tower.Forward(tape, user.Input, training: false);
                float[] vector = y.Value.Span.ToArray();
                tape.Reset();
                return vector;
            }
        }
    }

    /// <summary>Rejects unknown feature names, null lists and values, lists over <see cref="MaxValues"/>, and a feature given in both <paramref name="given"/> and <paramref name="other"/>.</summary>
    void Check(RawFeatures? given, string field, RawFeatures? other)
    {
        if (given is null) return;
        foreach (var (name, values) in given)
        {
            string where = $"{field}.{name}";
            if (!Features.Contains(name)) RequestThrow.Field(where, $"the user tower has no feature '{name}'; it reads {string.Join(", ", Features)}");
            if (other?.ContainsKey(name) == true) RequestThrow.Field(where, $"is given in both features and context; give it once");
            if (values is null) RequestThrow.Field(where, "is null; give a list of strings (e.g. [\"1\", \"50\"]) or leave the feature out");
            if (values.Length > MaxValues) RequestThrow.Field(where, $"lists {values.Length} values; at most {MaxValues} are accepted");
            int missing = Array.IndexOf(values, null);
            if (missing >= 0) RequestThrow.Field($"{where}[{missing}]", "is null; give a string");
        }
    }

    /// <summary>A hash of the encoded input, feature by feature in name order: the cache key of the embedding.</summary>
    static string Hash(Dictionary<string, FeatureInput> inputs)
    {
        var hash = new XxHash128();
        foreach (var (name, input) in inputs.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            hash.Append(Encoding.UTF8.GetBytes(name));
            foreach (int[] part in (int[][])[input.Ids, input.Offsets, input.Lengths])
            {
                hash.Append(BitConverter.GetBytes(part.Length));
                hash.Append(MemoryMarshal.AsBytes(part.AsSpan()));
            }
            if (input.Values is { } values) hash.Append(MemoryMarshal.AsBytes(values.Span));
        }
        return Convert.ToHexStringLower(hash.GetCurrentHash());
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

    FeatureInput EncodeValues(FeatureSpec spec, string[] values, string field)
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
                for (int i = 0; i < values.Length; i++)
                {
                    int id = Id(i);
                    if (i < max) ids[i] = id;
                }
                int n = Math.Min(values.Length, max);
                return new FeatureInput { Ids = ids, Lengths = [n], Values = Tensor.Zeros(1, max) };
            default:
                throw new RequestException(field, $"feature '{spec.Name}' is {spec.Kind}; it cannot be given raw");
        }
    }
}
