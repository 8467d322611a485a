using Tandem.Data.Batching;
using Tandem.Data.Histories;
using Tandem.Data.Schema;
using Tandem.Data.Tables;

namespace Tandem.Data.Encoders;

/// <summary>
/// A numeric feature normalised with statistics of the training split: z-score, log1p,
/// min-max, or the index of its quantile or log-squared bucket (then an id, with <see cref="Cardinality"/> ids).
/// A missing value (or a missing side-table row) is imputed with the training mean.
/// </summary>
public sealed class NumericEncoder : FeatureEncoder
{
    /// <summary>Values kept for quantile edges; beyond it an even stride is taken, deterministically.</summary>
    const int QuantileSample = 1 << 20;

    NumericEncoder(FeatureSpec spec, double mean, double std, double min, double max, double[] edges) : base(spec)
    {
        Mean = mean;
        Std = std;
        Min = min;
        Max = max;
        Edges = edges;
    }

    /// <summary>Training mean (also the imputed value).</summary>
    public double Mean { get; }

    /// <summary>Training standard deviation (population); 1 if the values were constant.</summary>
    public double Std { get; }

    /// <summary>Training minimum.</summary>
    public double Min { get; }

    /// <summary>Training maximum.</summary>
    public double Max { get; }

    /// <summary>Quantile bin edges, ascending and distinct; bin b holds Edges[b-1] &lt;= x &lt; Edges[b].</summary>
    public IReadOnlyList<double> Edges { get; }

    /// <summary>Ids of a bucketed feature: quantile bins (edges + 1), or log-squared buckets of the training range (id 0 unused); 0 for the other transforms.</summary>
    public int Cardinality => Spec.Transform switch
    {
        NumericTransform.Quantile => Edges.Count + 1,
        NumericTransform.LogSquared => LogSquared(Max) - LogSquared(Min) + 2,
        _ => 0,
    };

    bool Bucketed => Spec.Transform is NumericTransform.Quantile or NumericTransform.LogSquared;

    /// <summary><c>floor(ln(x)²)</c> for x &gt; 2, else <c>floor(x)</c> (see <see cref="NumericTransform.LogSquared"/>).</summary>
    public static int LogSquared(double x) => x > 2 ? (int)Math.Floor(Math.Log(x) * Math.Log(x)) : (int)Math.Floor(Math.Max(x, int.MinValue / 2.0));

    /// <summary>The normalised value of <paramref name="x"/> (NaN → the mean) for the non-quantile transforms.</summary>
    public float Encode(double x)
    {
        if (double.IsNaN(x)) x = Mean;
        return Spec.Transform switch
        {
            NumericTransform.ZScore => (float)((x - Mean) / Std),
            NumericTransform.Log1p => (float)Math.Log(1 + Math.Max(x, 0)),
            NumericTransform.MinMax => Max > Min ? (float)Math.Clamp((x - Min) / (Max - Min), 0, 1) : 0f,
            _ => Bucket(x),
        };
    }

    /// <summary>The bucket id of <paramref name="x"/> (NaN → the mean's bucket).</summary>
    public int Bucket(double x)
    {
        if (double.IsNaN(x)) x = Mean;
        if (Spec.Transform == NumericTransform.LogSquared)
            return 1 + Math.Clamp(LogSquared(x) - LogSquared(Min), 0, Cardinality - 2);
        var edges = (double[])Edges;
        int at = Array.BinarySearch(edges, x);
        return at >= 0 ? at + 1 : ~at;
    }

    /// <summary>Fits on the training examples' values (missing ones excluded).</summary>
    public new static NumericEncoder Fit(FeatureSpec spec, InteractionLog log, ReadOnlySpan<int> trainRows)
    {
        var table = log.TableOf(spec);
        var values = table.Get<NumberColumn>(spec.Column).Values;
        var rowMap = log.RowMap(table);
        long n = 0;
        double mean = 0, m2 = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
        bool quantile = spec.Transform == NumericTransform.Quantile;
        var sample = quantile ? new List<double>() : null;
        int stride = Math.Max(1, trainRows.Length / QuantileSample);
        for (int j = 0; j < trainRows.Length; j++)
        {
            int row = rowMap is null ? trainRows[j] : rowMap[trainRows[j]];
            if (row < 0) continue;
            double x = values[row];
            if (double.IsNaN(x)) continue;
            n++;
            double d = x - mean; // Welford: stable in one pass.
            mean += d / n;
            m2 += d * (x - mean);
            min = Math.Min(min, x);
            max = Math.Max(max, x);
            if (quantile && j % stride == 0) sample!.Add(x);
        }
        if (n == 0) DataThrow.Data($"feature '{spec.Name}': column '{spec.Column}' has no value in the training split to fit on");
        double std = Math.Sqrt(m2 / n);
        return new NumericEncoder(spec, mean, std > 0 ? std : 1, min, max, quantile ? QuantileEdges(sample!, spec.Bins) : []);
    }

    static double[] QuantileEdges(List<double> sample, int bins)
    {
        sample.Sort();
        var edges = new List<double>();
        for (int b = 1; b < bins; b++)
        {
            double e = sample[(int)((long)b * sample.Count / bins)];
            if (edges.Count == 0 || e > edges[^1]) edges.Add(e);
        }
        // An edge equal to the minimum would leave bin 0 empty.
        if (edges.Count > 0 && edges[0] <= sample[0]) edges.RemoveAt(0);
        return edges.ToArray();
    }

    /// <inheritdoc/>
    public override void Save(BinaryWriter writer)
    {
        writer.Write((byte)Spec.Transform);
        writer.Write(Mean);
        writer.Write(Std);
        writer.Write(Min);
        writer.Write(Max);
        writer.Write(Edges.Count);
        foreach (var e in Edges) writer.Write(e);
    }

    internal new static NumericEncoder Load(FeatureSpec spec, BinaryReader reader)
    {
        var transform = (NumericTransform)reader.ReadByte();
        if (transform != spec.Transform) DataThrow.Corrupt($"feature '{spec.Name}'", $"saved with transform {transform}, but the schema says {spec.Transform}");
        double mean = reader.ReadDouble(), std = reader.ReadDouble(), min = reader.ReadDouble(), max = reader.ReadDouble();
        int count = reader.ReadInt32();
        if (count < 0 || count > spec.Bins) DataThrow.Corrupt($"feature '{spec.Name}'", $"{count} bucket edges for {spec.Bins} bins");
        var edges = new double[count];
        for (int i = 0; i < count; i++) edges[i] = reader.ReadDouble();
        return new NumericEncoder(spec, mean, std, min, max, edges);
    }

    internal override IEnumerable<EncodedFeature> Encode(InteractionLog log, HistoryIndex? history)
    {
        var table = log.TableOf(Spec);
        var values = table.Get<NumberColumn>(Spec.Column).Values;
        if (Bucketed)
        {
            var ids = new int[values.Length];
            for (int r = 0; r < ids.Length; r++) ids[r] = Bucket(values[r]);
            yield return new IdFeature(Spec.Name, Spec, log.RowMap(table), ids, Cardinality, missingId: Bucket(Mean));
        }
        else
        {
            var encoded = new float[values.Length];
            for (int r = 0; r < encoded.Length; r++) encoded[r] = Encode(values[r]);
            yield return new DenseFeature(Spec.Name, Spec, log.RowMap(table), encoded, 1, [Encode(Mean)]);
        }
    }
}
