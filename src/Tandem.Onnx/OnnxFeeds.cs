using Tandem.Models.Towers;

namespace Tandem.Onnx;

/// <summary>One input of an exported tower: its name, shape and data (int64 ids or float32 values).</summary>
public sealed record OnnxFeed(string Name, long[] Shape, long[]? Longs, float[]? Floats);

/// <summary>
/// A Tandem batch laid out as an exported tower's inputs (docs/export.md): ids as int64, bags,
/// histories and texts padded with 0 beside their lengths, numbers as float32 [batch, width].
/// For .NET callers that encode with Tandem's fitted features and run the graph in ONNX Runtime.
/// </summary>
public static class OnnxFeeds
{
    /// <summary>The inputs of <paramref name="tower"/>'s graph for <paramref name="input"/>, one per graph input.</summary>
    /// <exception cref="OnnxExportException">A module has no ONNX translation.</exception>
    public static IReadOnlyList<OnnxFeed> From(EncoderTower tower, TowerInput input)
    {
        var feeds = new Dictionary<string, OnnxFeed>(StringComparer.Ordinal);
        foreach (var m in tower.Modules) Add(feeds, m, input);
        return feeds.Values.ToArray();
    }

    static void Add(Dictionary<string, OnnxFeed> feeds, IFeatureModule module, TowerInput input)
    {
        string name = module.Spec.Name;
        int count = input.Count;
        // Timestamps and hierarchies have no input of their own name: their parts do.
        var f = module is TimestampEmbedding or HierarchicalIdEmbedding ? null! : input[name];
        switch (module)
        {
            case IdEmbedding:
                feeds[name] = new(name, [count], Longs(f.Ids.AsSpan(0, count)), null);
                break;
            case HierarchicalIdEmbedding h:
                foreach (var level in h.Levels) Add(feeds, level, input);
                break;
            case TimestampEmbedding t:
                var (hour, day, age) = t.Parts;
                foreach (var part in new IFeatureModule?[] { hour, day, age }.OfType<IFeatureModule>()) Add(feeds, part, input);
                break;
            case NumericProjection p:
                int width = p.Dense.Weight.Rows;
                feeds[name] = new(name, [count, width], null, f.Values!.Span[..(count * width)].ToArray());
                break;
            case BagEmbedding:
            {
                var lengths = new int[count];
                for (int b = 0; b < count; b++) lengths[b] = f.Offsets[b + 1] - f.Offsets[b];
                feeds[name] = Padded(name, f.Ids, f.Offsets, lengths);
                feeds[name + ".lengths"] = new(name + ".lengths", [count], Longs(lengths), null);
                break;
            }
            case SequenceEncoder s:
            {
                int steps = s.Spec.MaxLength;
                feeds[name] = new(name, [count, steps], Longs(f.Ids.AsSpan(0, count * steps)), null);
                feeds[name + ".lengths"] = new(name + ".lengths", [count], Longs(f.Lengths.AsSpan(0, count)), null);
                if (s.Options is { Pooling: SequencePooling.Mean, TimeDecay: > 0 })
                    feeds[name + ".since"] = new(name + ".since", [count, steps], null, f.Values!.Span[..(count * steps)].ToArray());
                break;
            }
            case TextBag or TextTransformer:
            {
                // Token t of the batch holds ids Offsets[t]..Offsets[t + 1]; example b its Lengths[b] tokens in order.
                int tokens = 0, longest = 1, pieces = 1;
                for (int b = 0; b < count; b++) { tokens += f.Lengths[b]; longest = Math.Max(longest, f.Lengths[b]); }
                for (int t = 0; t < tokens; t++) pieces = Math.Max(pieces, f.Offsets[t + 1] - f.Offsets[t]);
                var ids = new long[count * longest * pieces];
                var perToken = new long[count * longest];
                for (int b = 0, t = 0; b < count; b++)
                    for (int j = 0; j < f.Lengths[b]; j++, t++)
                    {
                        int n = f.Offsets[t + 1] - f.Offsets[t];
                        perToken[b * longest + j] = n;
                        for (int k = 0; k < n; k++) ids[(b * longest + j) * pieces + k] = f.Ids[f.Offsets[t] + k];
                    }
                feeds[name] = new(name, [count, longest, pieces], ids, null);
                feeds[name + ".pieces"] = new(name + ".pieces", [count, longest], perToken, null);
                feeds[name + ".lengths"] = new(name + ".lengths", [count], Longs(f.Lengths.AsSpan(0, count)), null);
                break;
            }
            case ImageFeature image:
            {
                var store = image.Store;
                int length = store.Options.Length, size = store.Options.Size;
                var pixels = new float[count * length];
                var present = new float[count];
                for (int b = 0; b < count; b++)
                {
                    int index = image.Index(f.Texts[b]);
                    store.Pixels(index).CopyTo(pixels.AsSpan(b * length, length));
                    present[b] = store.HasImage(index) ? 1 : 0;
                }
                feeds[name] = new(name, [count, 3, size, size], null, pixels);
                feeds[name + ".present"] = new(name + ".present", [count], null, present);
                break;
            }
            default:
                OnnxThrow.Unsupported($"the {module.GetType().Name} of feature '{name}'", "see docs/export.md for the features export supports");
                break;
        }
    }

    /// <summary>Bags [count, longest] padded with 0: row b holds ids[offsets[b]..] for lengths[b].</summary>
    static OnnxFeed Padded(string name, int[] ids, int[] offsets, int[] lengths)
    {
        int longest = Math.Max(1, lengths.Length == 0 ? 1 : lengths.Max());
        var padded = new long[lengths.Length * longest];
        for (int b = 0; b < lengths.Length; b++)
            for (int j = 0; j < lengths[b]; j++) padded[b * longest + j] = ids[offsets[b] + j];
        return new(name, [lengths.Length, longest], padded, null);
    }

    static long[] Longs(ReadOnlySpan<int> ids)
    {
        var r = new long[ids.Length];
        for (int i = 0; i < r.Length; i++) r[i] = ids[i];
        return r;
    }
}
