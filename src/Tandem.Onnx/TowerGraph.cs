using Onnx;
using Tandem.Data.Schema;
using Tandem.Models.Towers;
using Tandem.Tensors.Autograd;
using static Tandem.Onnx.GraphBuilder;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Tandem.Onnx;

/// <summary>
/// Translates an <see cref="EncoderTower"/> in evaluation mode into an ONNX graph: one input per
/// feature (laid out as <see cref="OnnxFeeds"/> fills them), each module, the fusion, the MLP
/// and the L2 normalisation, ending in the output <see cref="Output"/> [batch, d].
/// </summary>
static class TowerGraph
{
    /// <summary>The name of every tower graph's output.</summary>
    public const string Output = "embedding";
    const string Batch = "batch";

    /// <summary>The ONNX model of <paramref name="tower"/>, named <paramref name="name"/>.</summary>
    /// <exception cref="OnnxExportException">A part of the tower has no ONNX translation.</exception>
    public static ModelProto Build(EncoderTower tower, string name)
    {
        var g = new GraphBuilder();
        g.Graph.Name = name;
        var parts = tower.Modules.Select(m => Module(g, m)).ToArray();
        var x = Fuse(g, tower, parts);
        var options = tower.Options;
        for (int l = 0; l < tower.Hidden.Count; l++)
        {
            x = Linear(g, x, tower.Hidden[l]);
            var n = tower.Norms[l];
            if (options.Normalization == Normalization.Batch)
                x = g.Node("BatchNormalization", [x, Param(g, n.Gamma), Param(g, n.Beta), Buffer(g, n.Mean!), Buffer(g, n.Var!)], Float("epsilon", 1e-5f));
            else if (options.Normalization == Normalization.Layer)
                x = g.Node("LayerNormalization", [x, Param(g, n.Gamma), Param(g, n.Beta)], Int("axis", -1), Float("epsilon", 1e-5f));
            x = options.Activation switch { Activation.Gelu => Gelu(g, x), Activation.Tanh => g.Node("Tanh", [x]), _ => g.Node("Relu", [x]) };
        }
        x = Linear(g, x, tower.Output);
        if (options.L2Normalize)
            x = g.Node("Div", [x, g.Node("Max", [g.Node("ReduceL2", [x, g.Longs(-1)], Int("keepdims", 1)), g.Scalar(1e-12f)])]);
        g.Output(Output, x, DataType.Float, Batch, tower.OutputDimension);
        var model = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "Tandem",
            ProducerVersion = typeof(TowerGraph).Assembly.GetName().Version?.ToString() ?? "",
            Graph = g.Graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OnnxExport.Opset });
        return model;
    }

    /// <summary>The [batch, Width] output of one feature module.</summary>
    static string Module(GraphBuilder g, IFeatureModule module)
    {
        var spec = module.Spec;
        switch (module)
        {
            case IdEmbedding id:
                return g.Node("Gather", [Param(g, id.Table), g.Input(spec.Name, DataType.Int64, Batch)], Int("axis", 0));
            case HierarchicalIdEmbedding h:
                return Sum(g, h.Levels.Select(l => Module(g, l)));
            case BagEmbedding bag:
            {
                var ids = g.Input(spec.Name, DataType.Int64, Batch, spec.Name + ".length");
                var lengths = g.Input(spec.Name + ".lengths", DataType.Int64, Batch);
                return Pool(g, Gather(g, bag.Table, ids), Below(g, ids, lengths, axis: 1), mean: bag.Pooling != Pooling.Sum);
            }
            case NumericProjection numeric:
                return Linear(g, g.Input(spec.Name, DataType.Float, Batch, numeric.Dense.Weight.Rows), numeric.Dense);
            case TimestampEmbedding time:
            {
                var (hour, day, age) = time.Parts;
                return Sum(g, new IFeatureModule?[] { hour, day, age }.OfType<IFeatureModule>().Select(p => Module(g, p)));
            }
            case TextBag text:
                return TextMean(g, spec.Name, text.Table);
            case TextTransformer transformer:
                return Transformer(g, transformer);
            case SequenceEncoder sequence:
                return Sequence(g, sequence);
            case ImageFeature image:
                return Image(g, image);
            default:
                OnnxThrow.Unsupported($"the {module.GetType().Name} of feature '{spec.Name}'", "export supports id, categorical, multi-categorical, numeric, vector, timestamp, text, image and history features");
                return null;
        }
    }

    /// <summary>
    /// A history: ids [batch, steps] (most recent first, padded after <c>{name}.lengths</c>) pooled by a
    /// (time-decayed) mean, attention, a GRU or a self-attention block; <c>{name}.since</c> [batch, steps]
    /// holds log(1 + hours) when decay is on.
    /// </summary>
    static string Sequence(GraphBuilder g, SequenceEncoder sequence)
    {
        string name = sequence.Spec.Name;
        var options = sequence.Options;
        var ids = g.Input(name, DataType.Int64, Batch, name + ".length");
        var lengths = g.Input(name + ".lengths", DataType.Int64, Batch);
        var rows = Gather(g, sequence.Table, ids);
        switch (options.Pooling)
        {
            case SequencePooling.Mean when options.TimeDecay == 0:
                return Pool(g, rows, Below(g, ids, lengths, axis: 1), mean: true);
            case SequencePooling.Mean:
            {
                var since = g.Input(name + ".since", DataType.Float, Batch, name + ".length");
                var mask = g.Node("Cast", [Below(g, ids, lengths, axis: 1)], Int("to", (long)DataType.Float));
                var w = g.Node("Mul", [g.Node("Exp", [g.Node("Mul", [since, g.Scalar(-options.TimeDecay)])]), mask]);
                var sum = g.Node("ReduceSum", [g.Node("Mul", [rows, Unsqueeze(g, w)]), g.Longs(-2)], Int("keepdims", 0));
                var total = g.Node("ReduceSum", [w, g.Longs(-1)], Int("keepdims", 1));
                return g.Node("Div", [sum, g.Node("Max", [total, g.Scalar(1e-30f)])]);
            }
            case SequencePooling.Attention:
            {
                // Positions past max(length, 1) get -inf; an empty history is zeroed at the end.
                var scores = g.Node("Squeeze", [g.Node("MatMul", [rows, Param(g, sequence.Query!)]), g.Longs(-1)]);
                var valid = Below(g, ids, g.Node("Max", [lengths, g.Long(1)]), axis: 1);
                var weights = g.Node("Softmax", [g.Node("Where", [valid, scores, g.Scalar(float.NegativeInfinity)])], Int("axis", -1));
                var pooled = g.Node("ReduceSum", [g.Node("Mul", [rows, Unsqueeze(g, weights)]), g.Longs(-2)], Int("keepdims", 0));
                var keep = g.Node("Cast", [g.Node("Greater", [lengths, g.Long(0)])], Int("to", (long)DataType.Float));
                return g.Node("Mul", [pooled, Unsqueeze(g, keep)]);
            }
            case SequencePooling.Gru:
                return Gru(g, sequence, rows, lengths);
            case SequencePooling.Interests:
                OnnxThrow.Unsupported($"history '{sequence.Spec.Name}' pooled into {sequence.Vectors} interests (several vectors per user)", "export a model with one vector per user");
                return "";
            default:
                return SelfAttention(g, sequence, ids, lengths, rows);
        }
    }

    /// <summary>
    /// One self-attention block over event + recency-position embeddings (keys past max(length, 1)
    /// masked), its residual, then the mean over the valid events.
    /// </summary>
    static string SelfAttention(GraphBuilder g, SequenceEncoder sequence, string ids, string lengths, string rows)
    {
        var p = sequence.Parameters; // table, positions, then wq, bq, wk, bk, wv, bv, wo, bo
        var x = g.Node("Add", [rows, Positions(g, p[1], ids)]);
        var keys = Below(g, ids, g.Node("Max", [lengths, g.Long(1)]), axis: 1);
        var y = g.Node("Add", [x, Attend(g, x, keys, sequence.Options.Heads, sequence.Width, p, 2)]);
        return Pool(g, y, Below(g, ids, lengths, axis: 1), mean: true);
    }

    /// <summary>
    /// A text transformer: each token the mean of its pieces' rows, plus its position's; post-norm blocks
    /// <c>x = LN(x + SelfAttention(x))</c>, <c>x = LN(x + W₂·GELU(W₁·x))</c> with padded tokens masked as
    /// keys; the mean of the tokens or the first token (zeros for an empty text).
    /// </summary>
    static string Transformer(GraphBuilder g, TextTransformer text)
    {
        var (ids, pieces, lengths) = TextInputs(g, text.Spec.Name);
        var p = text.Parameters; // table, positions, then 16 per block
        var x = g.Node("Add", [Pool(g, Gather(g, p[0], ids), Below(g, ids, pieces, axis: 2), mean: true), Positions(g, p[1], pieces)]);
        var keys = Below(g, pieces, g.Node("Max", [lengths, g.Long(1)]), axis: 1);
        for (int at = 2; at < p.Count; at += 16)
        {
            // Per block: wq, bq, wk, bk, wv, bv, wo, bo, norm1 γ β, up w b, down w b, norm2 γ β.
            x = LayerNorm(g, g.Node("Add", [x, Attend(g, x, keys, text.Options.Heads, text.Width, p, at)]), p[at + 8], p[at + 9]);
            var up = g.Node("Add", [g.Node("MatMul", [x, Param(g, p[at + 10])]), Param(g, p[at + 11])]);
            var down = g.Node("Add", [g.Node("MatMul", [Gelu(g, up), Param(g, p[at + 12])]), Param(g, p[at + 13])]);
            x = LayerNorm(g, g.Node("Add", [x, down]), p[at + 14], p[at + 15]);
        }
        if (text.Options.Pooling == TextPooling.Mean) return Pool(g, x, Below(g, pieces, lengths, axis: 1), mean: true);
        var first = g.Node("Gather", [x, g.Long(0)], Int("axis", 1));
        var keep = g.Node("Cast", [g.Node("Greater", [lengths, g.Long(0)])], Int("to", (long)DataType.Float));
        return g.Node("Mul", [first, Unsqueeze(g, keep)]);
    }

    /// <summary>[L, d]: the first L rows of a position table, L the second dimension of <paramref name="shaped"/>.</summary>
    static string Positions(GraphBuilder g, Parameter table, string shaped)
    {
        var steps = g.Node("Squeeze", [g.Node("Shape", [shaped], Int("start", 1), Int("end", 2)), g.Longs(0)]);
        return g.Node("Gather", [Param(g, table), g.Node("Range", [g.Long(0), steps, g.Long(1)])], Int("axis", 0));
    }

    /// <summary>
    /// Multi-head self-attention of <paramref name="x"/> [B, L, d] with keys where <paramref name="keys"/>
    /// [B, L] holds, as Tandem's <c>SelfAttention</c>: softmax(Q_h K_hᵀ / √dh) V_h per head, heads joined, then
    /// wo, bo; the projections are <paramref name="p"/>[at..at + 8) (wq, bq, wk, bk, wv, bv, wo, bo).
    /// </summary>
    static string Attend(GraphBuilder g, string x, string keys, int heads, int d, IReadOnlyList<Parameter> p, int at)
    {
        int dh = d / heads;
        string Project(int w) => g.Node("Add", [g.Node("MatMul", [x, Param(g, p[w])]), Param(g, p[w + 1])]);
        // [B, L, d] → [B, heads, L, dh]: head h takes columns h·dh to h·dh + dh − 1.
        string Split(string t) => g.Node("Transpose", [g.Node("Reshape", [t, g.Longs(0, 0, heads, dh)])], Ints("perm", 0, 2, 1, 3));
        var (q, k, v) = (Split(Project(at)), Split(Project(at + 2)), Split(Project(at + 4)));
        var scores = g.Node("Mul", [g.Node("MatMul", [q, g.Node("Transpose", [k], Ints("perm", 0, 1, 3, 2))]), g.Scalar(1 / MathF.Sqrt(dh))]);
        var mask = g.Node("Unsqueeze", [keys, g.Longs(1, 2)]);
        var probs = g.Node("Softmax", [g.Node("Where", [mask, scores, g.Scalar(float.NegativeInfinity)])], Int("axis", -1));
        var joined = g.Node("Reshape", [g.Node("Transpose", [g.Node("MatMul", [probs, v])], Ints("perm", 0, 2, 1, 3)), g.Longs(0, 0, d)]);
        return g.Node("Add", [g.Node("MatMul", [joined, Param(g, p[at + 6])]), Param(g, p[at + 7])]);
    }

    static string LayerNorm(GraphBuilder g, string x, Parameter gamma, Parameter beta) =>
        g.Node("LayerNormalization", [x, Param(g, gamma), Param(g, beta)], Int("axis", -1), Float("epsilon", 1e-5f));

    /// <summary>
    /// An image: pixels [batch, 3, S, S] as Tandem's image store prepares them and <c>{name}.present</c>
    /// [batch] (1 with an image, 0 without); conv → batch norm → ReLU → 2×2 max-pool blocks, a global
    /// average pool and the projection, zeroed where there is no image.
    /// </summary>
    static string Image(GraphBuilder g, ImageFeature image)
    {
        string name = image.Spec.Name;
        var cnn = image.Cnn;
        int size = image.Store.Options.Size, k = cnn.Options.Kernel;
        var x = g.Input(name, DataType.Float, Batch, 3, size, size);
        var present = g.Input(name + ".present", DataType.Float, Batch);
        foreach (var (weight, gamma, beta, mean, variance) in cnn.Blocks)
        {
            x = g.Node("Conv", [x, Param(g, weight)], Ints("kernel_shape", k, k), Ints("pads", k / 2, k / 2, k / 2, k / 2));
            x = g.Node("BatchNormalization", [x, Param(g, gamma), Param(g, beta), Buffer(g, mean), Buffer(g, variance)], Float("epsilon", 1e-5f));
            x = g.Node("MaxPool", [g.Node("Relu", [x])], Ints("kernel_shape", 2, 2), Ints("strides", 2, 2));
        }
        var pooled = g.Node("Flatten", [g.Node("GlobalAveragePool", [x])], Int("axis", 1));
        return g.Node("Mul", [Linear(g, pooled, cnn.Projection), Unsqueeze(g, present)]);
    }

    /// <summary>
    /// A GRU history: each row's events reversed to oldest first (ReverseSequence), ONNX's GRU with
    /// PyTorch's form (linear_before_reset) over them, its last state; an empty history gives zeros.
    /// ONNX wants lengths of at least 1, so an empty one runs over its padding and is zeroed after.
    /// </summary>
    static string Gru(GraphBuilder g, SequenceEncoder sequence, string rows, string lengths)
    {
        var p = sequence.Parameters;
        int hidden = sequence.Width;
        var steps = g.Node("Max", [lengths, g.Long(1)]);
        var oldestFirst = g.Node("ReverseSequence", [rows, steps], Int("batch_axis", 0), Int("time_axis", 1));
        var timeMajor = g.Node("Transpose", [oldestFirst], Ints("perm", 1, 0, 2));
        var bias = new float[6 * hidden];
        GateBlocks(p[3].Value.Span, 1, hidden).CopyTo(bias, 0);
        GateBlocks(p[4].Value.Span, 1, hidden).CopyTo(bias, 3 * hidden);
        var last = g.Node("GRU", [timeMajor,
                g.Floats(p[1].Name + ".onnx", GateBlocks(p[1].Value.Span, p[1].Rows, hidden), 1, 3 * hidden, p[1].Rows),
                g.Floats(p[2].Name + ".onnx", GateBlocks(p[2].Value.Span, p[2].Rows, hidden), 1, 3 * hidden, p[2].Rows),
                g.Floats(sequence.Spec.Name + ".gru.b.onnx", bias, 1, 6 * hidden),
                g.Node("Cast", [steps], Int("to", (long)DataType.Int32))],
            output: 1, Int("hidden_size", hidden), Int("linear_before_reset", 1));
        var state = g.Node("Squeeze", [last, g.Longs(0)]);
        var keep = g.Node("Cast", [g.Node("Greater", [lengths, g.Long(0)])], Int("to", (long)DataType.Float));
        return g.Node("Mul", [state, Unsqueeze(g, keep)]);
    }

    /// <summary>
    /// Tandem's [inputs, 3H] gate weights (column blocks r, z, n; a bias is one row) as ONNX's
    /// [3H, inputs] (row blocks z, r, n).
    /// </summary>
    static float[] GateBlocks(ReadOnlySpan<float> w, int inputs, int hidden)
    {
        ReadOnlySpan<int> from = [1, 0, 2];
        var t = new float[3 * hidden * inputs];
        for (int block = 0; block < 3; block++)
            for (int i = 0; i < hidden; i++)
                for (int d = 0; d < inputs; d++)
                    t[(block * hidden + i) * inputs + d] = w[d * 3 * hidden + from[block] * hidden + i];
        return t;
    }

    /// <summary>
    /// A text bag: ids [batch, tokens, pieces] with <c>{name}.pieces</c> [batch, tokens] ids per token
    /// and <c>{name}.lengths</c> [batch] tokens per text; the mean over tokens of each token's mean row.
    /// </summary>
    static string TextMean(GraphBuilder g, string name, Parameter table)
    {
        var (ids, pieces, lengths) = TextInputs(g, name);
        var tokens = Pool(g, Gather(g, table, ids), Below(g, ids, pieces, axis: 2), mean: true);
        return Pool(g, tokens, Below(g, pieces, lengths, axis: 1), mean: true);
    }

    /// <summary>A text's inputs: ids [batch, tokens, pieces], pieces per token [batch, tokens], tokens per text [batch].</summary>
    static (string Ids, string Pieces, string Lengths) TextInputs(GraphBuilder g, string name) =>
        (g.Input(name, DataType.Int64, Batch, name + ".tokens", name + ".pieces"),
         g.Input(name + ".pieces", DataType.Int64, Batch, name + ".tokens"),
         g.Input(name + ".lengths", DataType.Int64, Batch));

    /// <summary>
    /// Concatenation, with absent modalities zeroed when the tower masks them; or gated fusion:
    /// Σ_m softmax(G·[x_1 … x_M] + log mask)_m · (W_m x_m + b_m), absent modalities weighted 0.
    /// </summary>
    static string Fuse(GraphBuilder g, EncoderTower tower, string[] parts)
    {
        var fusion = tower.Fusion;
        bool gated = fusion.Options.Kind == FusionKind.Gated;
        if (!gated && !fusion.Options.MaskMissing) return parts.Length == 1 ? parts[0] : g.Node("Concat", parts, Int("axis", 1));
        var present = tower.Modules.Select(m => Present(g, m)).ToArray();
        // An example with no modality present keeps them all (as the fusion does).
        var any = present.OfType<string>().Aggregate((string?)null, (a, p) => a is null ? p : g.Node("Or", [a, p]));
        if (any is not null && present.All(p => p is not null))
        {
            var none = g.Node("Not", [any]);
            present = present.Select(p => (string?)g.Node("Or", [p!, none])).ToArray();
        }
        var ones = g.Node("ConstantOfShape", [g.Node("Shape", [parts[0]], Int("start", 0), Int("end", 1))], Tensor("value", 1f));
        var weights = present.Select(p => p is null ? ones : g.Node("Cast", [p], Int("to", (long)DataType.Float))).ToArray();
        var masked = parts.Select((x, i) => present[i] is null ? x : g.Node("Mul", [x, Unsqueeze(g, weights[i])])).ToArray();
        var all = masked.Length == 1 ? masked[0] : g.Node("Concat", masked, Int("axis", 1));
        if (!gated) return all;
        var presence = g.Node("Concat", weights.Select(w => Unsqueeze(g, w)).ToArray(), Int("axis", 1));
        var logMask = g.Node("Where", [g.Node("Greater", [presence, g.Scalar(0)]), g.Scalar(0), g.Scalar(float.NegativeInfinity)]);
        var gate = g.Node("Softmax", [g.Node("Add", [Linear(g, all, fusion.Gate!), logMask])], Int("axis", -1));
        return Sum(g, parts.Select((x, i) =>
            g.Node("Mul", [Linear(g, x, fusion.Projections[i]), Unsqueeze(g, g.Node("Gather", [gate, g.Long(i)], Int("axis", 1)))])));
    }

    /// <summary>[batch] bool: the module's modality is present; null where it always is.</summary>
    static string? Present(GraphBuilder g, IFeatureModule module) => module switch
    {
        IdEmbedding when module.Spec.HashBuckets > 0 => null,
        IdEmbedding => g.Node("Not", [g.Node("Equal", [module.Spec.Name, g.Long(0)])]),
        TextBag or TextTransformer => g.Node("Greater", [module.Spec.Name + ".lengths", g.Long(0)]),
        ImageFeature => g.Node("Greater", [module.Spec.Name + ".present", g.Scalar(0)]),
        _ => null,
    };

    /// <summary>[..., L] bool: position j along <paramref name="axis"/> of <paramref name="shaped"/> is below <paramref name="counts"/> [...].</summary>
    static string Below(GraphBuilder g, string shaped, string counts, int axis)
    {
        var size = g.Node("Squeeze", [g.Node("Shape", [shaped], Int("start", axis), Int("end", axis + 1)), g.Longs(0)]);
        var positions = g.Node("Range", [g.Long(0), size, g.Long(1)]);
        return g.Node("Less", [positions, g.Node("Unsqueeze", [counts, g.Longs(-1)])]);
    }

    /// <summary>Sum (or mean) over the second-to-last axis of <paramref name="rows"/> [..., L, D] where <paramref name="mask"/> [..., L] holds; an empty set gives zeros.</summary>
    static string Pool(GraphBuilder g, string rows, string mask, bool mean)
    {
        var m = g.Node("Cast", [mask], Int("to", (long)DataType.Float));
        var sum = g.Node("ReduceSum", [g.Node("Mul", [rows, Unsqueeze(g, m)]), g.Longs(-2)], Int("keepdims", 0));
        if (!mean) return sum;
        var count = g.Node("ReduceSum", [m, g.Longs(-1)], Int("keepdims", 1));
        return g.Node("Div", [sum, g.Node("Max", [count, g.Scalar(1)])]);
    }

    static string Unsqueeze(GraphBuilder g, string x) => g.Node("Unsqueeze", [x, g.Longs(-1)]);

    static string Gather(GraphBuilder g, Parameter table, string ids) => g.Node("Gather", [Param(g, table), ids], Int("axis", 0));

    static string Sum(GraphBuilder g, IEnumerable<string> parts) => parts.Aggregate((a, b) => g.Node("Add", [a, b]));

    static string Linear(GraphBuilder g, string x, Dense dense) => g.Node("Add", [g.Node("MatMul", [x, Param(g, dense.Weight)]), Param(g, dense.Bias)]);

    /// <summary>GELU as Tandem computes it: <c>x / (1 + exp(-2·√(2/π)·x·(1 + 0.044715·x²)))</c>.</summary>
    static string Gelu(GraphBuilder g, string x)
    {
        var poly = g.Node("Add", [g.Node("Mul", [g.Node("Mul", [x, x]), g.Scalar(0.044715f)]), g.Scalar(1)]);
        var exponent = g.Node("Mul", [g.Node("Mul", [x, poly]), g.Scalar(-1.5957691216057308f)]);
        return g.Node("Div", [x, g.Node("Add", [g.Node("Exp", [exponent]), g.Scalar(1)])]);
    }

    static string Param(GraphBuilder g, Parameter p) => g.Floats(p.Name, p.Value.Span, Shape(p.Value.Shape));

    static string Buffer(GraphBuilder g, StateBuffer b) => g.Floats(b.Name, b.Value.Span, Shape(b.Value.Shape));

    static long[] Shape(ReadOnlySpan<int> shape)
    {
        var dims = new long[shape.Length];
        for (int i = 0; i < dims.Length; i++) dims[i] = shape[i];
        return dims;
    }
}
