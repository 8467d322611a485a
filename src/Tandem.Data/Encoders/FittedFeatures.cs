using System.Security.Cryptography;
using Tandem.Data.Batching;
using Tandem.Data.Histories;
using Tandem.Data.Schema;
using Tandem.Data.Tables;

namespace Tandem.Data.Encoders;

/// <summary>
/// The fitted state of every feature of a schema, fitted on the training split and saved with
/// the model so serving applies exactly the same encoding. Immutable; safe to share.
/// </summary>
public sealed class FittedFeatures
{
    /// <summary>"TNDF" little-endian: the first four bytes of a saved state.</summary>
    public const int Magic = 0x46444E54;

    /// <summary>The format version written by <see cref="Save"/>.</summary>
    public const int Version = 2;

    FittedFeatures(FeatureSchema schema, IReadOnlyList<FeatureEncoder> encoders, long referenceTime)
    {
        Schema = schema;
        Encoders = encoders;
        ReferenceTime = referenceTime;
    }

    /// <summary>The schema fitted.</summary>
    public FeatureSchema Schema { get; }

    /// <summary>One encoder per feature, in schema order.</summary>
    public IReadOnlyList<FeatureEncoder> Encoders { get; }

    /// <summary>The newest training timestamp (0 without timestamps): recency weights are measured back from it.</summary>
    public long ReferenceTime { get; }

    /// <summary>The encoder of feature <paramref name="name"/>.</summary>
    public FeatureEncoder this[string name] => Encoders.FirstOrDefault(e => e.Spec.Name == name)
        ?? throw new KeyNotFoundException($"No feature '{name}'.");

    /// <summary>Fits every feature of <paramref name="log"/>'s schema on the interactions <paramref name="trainRows"/>.</summary>
    public static FittedFeatures Fit(InteractionLog log, ReadOnlySpan<int> trainRows)
    {
        var encoders = new FeatureEncoder[log.Schema.Features.Count];
        var rows = trainRows.ToArray();
        // Features are independent: fit them on all cores.
        Parallel.For(0, encoders.Length, f => encoders[f] = FeatureEncoder.Fit(log.Schema.Features[f], log, rows));
        long reference = 0;
        if (log.Timestamps is { } ts)
        {
            reference = long.MinValue;
            foreach (int i in trainRows) reference = Math.Max(reference, ts[i]);
        }
        return new FittedFeatures(log.Schema, encoders, reference);
    }

    /// <summary>
    /// Encodes every interaction of <paramref name="log"/>. Sequence features draw histories only
    /// from <paramref name="historyRows"/> (normally the training rows), and always causally.
    /// </summary>
    public EncodedData Encode(InteractionLog log, ReadOnlySpan<int> historyRows)
    {
        HistoryIndex? history = Schema.Features.Any(f => f.Kind == FeatureKind.Sequence) ? HistoryIndex.Build(log, historyRows) : null;
        var perEncoder = new EncodedFeature[Encoders.Count][];
        Parallel.For(0, perEncoder.Length, e => perEncoder[e] = Encoders[e].Encode(log, history).ToArray());
        var features = perEncoder.SelectMany(f => f).ToArray();
        return new EncodedData(features, ExampleTargets.Labels(log), ExampleTargets.Weights(log, Schema.Weighting, ReferenceTime));
    }

    /// <summary>Writes the state: magic, version, each feature's name, kind and length-prefixed state, then a SHA-256 of it all.</summary>
    public void Save(Stream stream)
    {
        var body = new MemoryStream();
        using (var w = new BinaryWriter(body, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Magic);
            w.Write(Version);
            w.Write(ReferenceTime);
            w.Write(Encoders.Count);
            foreach (var e in Encoders)
            {
                w.Write(e.Spec.Name);
                w.Write((byte)e.Spec.Kind);
                var state = new MemoryStream();
                e.Save(state);
                w.Write(checked((int)state.Length));
                w.Write(state.GetBuffer(), 0, (int)state.Length);
            }
        }
        stream.Write(body.GetBuffer(), 0, (int)body.Length);
        stream.Write(SHA256.HashData(body.GetBuffer().AsSpan(0, (int)body.Length)));
    }

    /// <summary>Reads a state saved by <see cref="Save"/> for <paramref name="schema"/>, checking every length and the checksum.</summary>
    /// <exception cref="DataException">The stream is not a fitted state, is corrupt, or was fitted for another schema.</exception>
    public static FittedFeatures Load(Stream stream, FeatureSchema schema)
    {
        var all = new MemoryStream();
        stream.CopyTo(all);
        var bytes = all.GetBuffer().AsSpan(0, (int)all.Length);
        if (bytes.Length < 8 + 32) DataThrow.Corrupt("the stream", $"{bytes.Length} bytes is too short");
        if (BitConverter.ToInt32(bytes) != Magic) DataThrow.Corrupt("the stream", "wrong magic number");
        int version = BitConverter.ToInt32(bytes[4..]);
        if (version != Version) DataThrow.Corrupt("the stream", $"format version {version}; this build reads version {Version}");
        var body = bytes[..^32];
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(bytes[^32..])) DataThrow.Corrupt("the stream", "checksum mismatch");

        using var r = new BinaryReader(new MemoryStream(body.ToArray()));
        r.ReadInt64(); // magic and version, checked above
        long reference = r.ReadInt64();
        int count = r.ReadInt32();
        if (count != schema.Features.Count) DataThrow.Corrupt("the stream", $"{count} features, but the schema declares {schema.Features.Count}");
        var encoders = new FeatureEncoder[count];
        for (int f = 0; f < count; f++)
        {
            string name = r.ReadString();
            var kind = (FeatureKind)r.ReadByte();
            var spec = schema.Features[f];
            if (name != spec.Name || kind != spec.Kind)
                DataThrow.Corrupt("the stream", $"feature {f} is '{name}' ({kind}), but the schema declares '{spec.Name}' ({spec.Kind})");
            int length = r.ReadInt32();
            if (length < 0 || length > r.BaseStream.Length - r.BaseStream.Position) DataThrow.Corrupt("the stream", $"feature '{name}' claims {length} bytes");
            long end = r.BaseStream.Position + length;
            encoders[f] = FeatureEncoder.Load(spec, r);
            if (r.BaseStream.Position != end) DataThrow.Corrupt("the stream", $"feature '{name}' read {r.BaseStream.Position - end + length} of {length} bytes");
        }
        return new FittedFeatures(schema, encoders, reference);
    }
}
