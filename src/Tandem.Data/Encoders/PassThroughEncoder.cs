using Tandem.Data.Batching;
using Tandem.Data.Histories;
using Tandem.Data.Schema;
using Tandem.Data.Tables;

namespace Tandem.Data.Encoders;

/// <summary>
/// Image paths and precomputed vectors: nothing to fit; vectors were validated (dimension,
/// finiteness) when read.
/// </summary>
public sealed class PassThroughEncoder(FeatureSpec spec) : FeatureEncoder(spec)
{
    /// <inheritdoc/>
    public override void Save(BinaryWriter writer) => writer.Write(Spec.Dimension);

    internal new static PassThroughEncoder Load(FeatureSpec spec, BinaryReader reader)
    {
        int dimension = reader.ReadInt32();
        if (dimension != spec.Dimension) DataThrow.Corrupt($"feature '{spec.Name}'", $"saved with dimension {dimension}, but the schema says {spec.Dimension}");
        return new PassThroughEncoder(spec);
    }

    internal override IEnumerable<EncodedFeature> Encode(InteractionLog log, HistoryIndex? history)
    {
        var table = log.TableOf(Spec);
        var rowMap = log.RowMap(table);
        if (Spec.Kind == FeatureKind.Vector)
        {
            var column = table.Get<VectorColumn>(Spec.Column);
            yield return new DenseFeature(Spec.Name, Spec, rowMap, column.Values.ToArray(), column.Dimension, new float[column.Dimension]);
        }
        else
        {
            yield return new TextFeature(Spec.Name, Spec, rowMap, table.Get<TextColumn>(Spec.Column).Values.ToArray());
        }
    }
}
