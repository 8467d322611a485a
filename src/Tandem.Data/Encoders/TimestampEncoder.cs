using Tandem.Data.Batching;
using Tandem.Data.Histories;
using Tandem.Data.Schema;
using Tandem.Data.Tables;

namespace Tandem.Data.Encoders;

/// <summary>
/// Context features of a Unix timestamp (seconds, UTC): <c>{name}.hour_of_day</c> (an id in 0..23),
/// <c>{name}.day_of_week</c> (an id in 0..6, Sunday = 0) and <c>{name}.age</c>
/// (log(1 + days before the newest training interaction), 0 for later ones).
/// </summary>
public sealed class TimestampEncoder : FeatureEncoder
{
    const long SecondsPerDay = 86_400;

    TimestampEncoder(FeatureSpec spec, long reference) : base(spec) => Reference = reference;

    /// <summary>The newest training timestamp: ages are measured back from it, identically at serving time.</summary>
    public long Reference { get; }

    /// <summary>Hour of day, 0..23.</summary>
    public static int HourOfDay(long t) => (int)(Mod(t, SecondsPerDay) / 3600);

    /// <summary>Day of week with Sunday = 0; 1970-01-01 was a Thursday (4).</summary>
    public static int DayOfWeek(long t) => (int)Mod(FloorDiv(t, SecondsPerDay) + 4, 7);

    /// <summary>log(1 + days from <paramref name="t"/> to <see cref="Reference"/>), 0 for t at or after it.</summary>
    public float Age(long t) => (float)Math.Log(1 + Math.Max(Reference - t, 0) / (double)SecondsPerDay);

    /// <summary>Fits the reference time on the training examples.</summary>
    public new static TimestampEncoder Fit(FeatureSpec spec, InteractionLog log, ReadOnlySpan<int> trainRows)
    {
        var table = log.TableOf(spec);
        var values = table.Get<NumberColumn>(spec.Column).Values;
        var rowMap = log.RowMap(table);
        long reference = long.MinValue;
        foreach (int i in trainRows)
        {
            int row = rowMap is null ? i : rowMap[i];
            if (row >= 0) reference = Math.Max(reference, (long)values[row]);
        }
        if (reference == long.MinValue) DataThrow.Data($"feature '{spec.Name}': the training split is empty");
        return new TimestampEncoder(spec, reference);
    }

    /// <inheritdoc/>
    public override void Save(BinaryWriter writer) => writer.Write(Reference);

    internal new static TimestampEncoder Load(FeatureSpec spec, BinaryReader reader) => new(spec, reader.ReadInt64());

    internal override IEnumerable<EncodedFeature> Encode(InteractionLog log, HistoryIndex? history)
    {
        var table = log.TableOf(Spec);
        var values = table.Get<NumberColumn>(Spec.Column).Values;
        var rowMap = log.RowMap(table);
        var features = new List<EncodedFeature>(3);
        if (Spec.Parts.HasFlag(TimestampParts.HourOfDay))
            features.Add(new IdFeature(Spec.Name + ".hour_of_day", Spec, rowMap, Each(values, t => HourOfDay(t)), 24));
        if (Spec.Parts.HasFlag(TimestampParts.DayOfWeek))
            features.Add(new IdFeature(Spec.Name + ".day_of_week", Spec, rowMap, Each(values, t => DayOfWeek(t)), 7));
        if (Spec.Parts.HasFlag(TimestampParts.Age))
            features.Add(new DenseFeature(Spec.Name + ".age", Spec, rowMap, Each(values, Age), 1, [0f]));
        return features;
    }

    static T[] Each<T>(ReadOnlySpan<double> values, Func<long, T> f)
    {
        var r = new T[values.Length];
        for (int i = 0; i < r.Length; i++) r[i] = f((long)values[i]);
        return r;
    }

    static long Mod(long a, long m) => ((a % m) + m) % m;

    static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);
}
