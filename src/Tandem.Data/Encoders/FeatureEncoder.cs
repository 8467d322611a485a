using Tandem.Data.Batching;
using Tandem.Data.Histories;
using Tandem.Data.Schema;
using Tandem.Data.Tables;

namespace Tandem.Data.Encoders;

/// <summary>
/// The fitted state of one feature (vocabulary, normalisation statistics, bucket edges), fitted
/// on the training split only and applied unchanged to every split and at serving time.
/// Immutable after fitting; encoding is safe from several threads.
/// </summary>
public abstract class FeatureEncoder(FeatureSpec spec)
{
    /// <summary>The feature this encodes.</summary>
    public FeatureSpec Spec { get; } = spec;

    /// <summary>Writes the fitted state.</summary>
    public abstract void Save(BinaryWriter writer);

    /// <summary>Writes the fitted state to <paramref name="stream"/>, leaving it open.</summary>
    public void Save(Stream stream)
    {
        using var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        Save(w);
    }

    /// <summary>Encodes the feature for every row of its table, ready for batching.</summary>
    internal abstract IEnumerable<EncodedFeature> Encode(InteractionLog log, HistoryIndex? history);

    /// <summary>Fits <paramref name="spec"/> on the interactions <paramref name="trainRows"/> of <paramref name="log"/>.</summary>
    public static FeatureEncoder Fit(FeatureSpec spec, InteractionLog log, ReadOnlySpan<int> trainRows) => spec.Kind switch
    {
        FeatureKind.Id or FeatureKind.Categorical or FeatureKind.MultiCategorical or FeatureKind.Sequence => CategoricalEncoder.Fit(spec, log, trainRows),
        FeatureKind.Numeric => NumericEncoder.Fit(spec, log, trainRows),
        FeatureKind.Timestamp => TimestampEncoder.Fit(spec, log, trainRows),
        FeatureKind.Text => TextEncoder.Fit(spec, log, trainRows),
        _ => new PassThroughEncoder(spec),
    };

    /// <summary>Reads the state <see cref="Save(BinaryWriter)"/> wrote for <paramref name="spec"/>.</summary>
    /// <exception cref="DataException">The state is truncated or inconsistent.</exception>
    public static FeatureEncoder Load(FeatureSpec spec, BinaryReader reader)
    {
        try
        {
            return spec.Kind switch
            {
                FeatureKind.Id or FeatureKind.Categorical or FeatureKind.MultiCategorical or FeatureKind.Sequence => CategoricalEncoder.Load(spec, reader),
                FeatureKind.Numeric => NumericEncoder.Load(spec, reader),
                FeatureKind.Timestamp => TimestampEncoder.Load(spec, reader),
                FeatureKind.Text => TextEncoder.Load(spec, reader),
                _ => PassThroughEncoder.Load(spec, reader),
            };
        }
        catch (EndOfStreamException)
        {
            DataThrow.Corrupt($"feature '{spec.Name}'", "the stream ends early");
            throw;
        }
    }

    /// <summary>Reads the state saved to <paramref name="stream"/> for <paramref name="spec"/>.</summary>
    public static FeatureEncoder Load(FeatureSpec spec, Stream stream)
    {
        using var r = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        return Load(spec, r);
    }

    /// <summary>Occurrences of each key code over the training examples of a key or bag column.</summary>
    internal static int[] CountCodes(Column column, int[]? rowMap, ReadOnlySpan<int> trainRows)
    {
        var keys = column is KeyColumn k ? k.Keys : ((BagColumn)column).Keys;
        var counts = new int[keys.Count];
        foreach (int i in trainRows)
        {
            int row = rowMap is null ? i : rowMap[i];
            if (row < 0) continue;
            if (column is KeyColumn key) counts[key.Codes[row]]++;
            else foreach (int code in ((BagColumn)column).Row(row)) counts[code]++;
        }
        return counts;
    }
}
