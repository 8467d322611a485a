using Tandem.Data.Batching;
using Tandem.Data.Histories;
using Tandem.Data.Schema;
using Tandem.Data.Tables;

namespace Tandem.Data.Encoders;

/// <summary>
/// Ids for id, categorical, multi-categorical and sequence features: a <see cref="Vocabulary"/>
/// fitted on training with a minimum count (unseen → id 0), or, with
/// <see cref="FeatureSpec.HashBuckets"/> &gt; 0, a stable hash into that many buckets.
/// </summary>
public sealed class CategoricalEncoder : FeatureEncoder
{
    CategoricalEncoder(FeatureSpec spec, Vocabulary? vocabulary) : base(spec) => Vocabulary = vocabulary;

    /// <summary>The fitted vocabulary; null when hashing.</summary>
    public Vocabulary? Vocabulary { get; }

    /// <summary>Number of distinct ids: the embedding table's rows.</summary>
    public int Cardinality => Vocabulary?.Size ?? Spec.HashBuckets;

    /// <summary>The id of <paramref name="value"/>: its vocabulary id (0 if unseen) or its hash bucket.</summary>
    public int Encode(ReadOnlySpan<char> value) =>
        Vocabulary is { } v ? v[value] : (int)(StableHash.Fnv1a(value) % (uint)Spec.HashBuckets);

    /// <summary>Fits on the training examples' values of the feature's column.</summary>
    public new static CategoricalEncoder Fit(FeatureSpec spec, InteractionLog log, ReadOnlySpan<int> trainRows)
    {
        if (spec.HashBuckets > 0) return new CategoricalEncoder(spec, null);
        var table = log.TableOf(spec);
        var column = spec.Kind == FeatureKind.MultiCategorical ? (Column)table.Get<BagColumn>(spec.Column) : table.Get<KeyColumn>(spec.Column);
        var keys = column is KeyColumn k ? k.Keys : ((BagColumn)column).Keys;
        return new CategoricalEncoder(spec, Vocabulary.Fit(keys, CountCodes(column, log.RowMap(table), trainRows), spec.MinCount));
    }

    /// <summary>The id of every code of <paramref name="keys"/>, so a column is encoded with one lookup per distinct value.</summary>
    public int[] Map(KeyDictionary keys)
    {
        var ids = new int[keys.Count];
        for (int code = 0; code < ids.Length; code++) ids[code] = Encode(keys[code]);
        return ids;
    }

    /// <inheritdoc/>
    public override void Save(BinaryWriter writer)
    {
        writer.Write(Spec.HashBuckets);
        if (Vocabulary is not null) Vocabulary.Save(writer);
    }

    /// <summary>Reads what <see cref="Save"/> wrote.</summary>
    internal new static CategoricalEncoder Load(FeatureSpec spec, BinaryReader reader)
    {
        int buckets = reader.ReadInt32();
        if (buckets != spec.HashBuckets)
            DataThrow.Corrupt($"feature '{spec.Name}'", $"saved with hash_buckets {buckets}, but the schema says {spec.HashBuckets}");
        return new CategoricalEncoder(spec, buckets > 0 ? null : Vocabulary.Load(reader));
    }

    internal override IEnumerable<EncodedFeature> Encode(InteractionLog log, HistoryIndex? history)
    {
        var table = log.TableOf(Spec);
        var rowMap = log.RowMap(table);
        switch (Spec.Kind)
        {
            case FeatureKind.MultiCategorical:
                var bag = table.Get<BagColumn>(Spec.Column);
                var map = Map(bag.Keys);
                var ids = new int[bag.Codes.Length];
                for (int i = 0; i < ids.Length; i++) ids[i] = map[bag.Codes[i]];
                yield return new BagFeature(Spec.Name, Spec, rowMap, bag.Offsets.ToArray(), ids, Cardinality);
                break;
            case FeatureKind.Sequence:
                if (history is null) throw new InvalidOperationException("A sequence feature needs a history index.");
                var events = table.Get<KeyColumn>(Spec.Column);
                yield return new SequenceFeature(Spec.Name, Spec, history, Map(events.Keys), log.UserCodes.ToArray(), events.Codes.ToArray(), log.Timestamps!, Cardinality);
                break;
            default:
                var column = table.Get<KeyColumn>(Spec.Column);
                var codeIds = Map(column.Keys);
                var rowIds = new int[column.Count];
                for (int r = 0; r < rowIds.Length; r++) rowIds[r] = codeIds[column.Codes[r]];
                yield return new IdFeature(Spec.Name, Spec, rowMap, rowIds, Cardinality);
                break;
        }
    }
}
