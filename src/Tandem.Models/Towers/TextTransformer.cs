using Tandem.Data.Schema;
using Tandem.Tensors.Autograd;

namespace Tandem.Models.Towers;

/// <summary>
/// A small transformer encoder over a text feature's tokens: token + learned position
/// embeddings, then <see cref="TextOptions.Layers"/> post-norm blocks
/// (<c>x = LN(x + SelfAttention(x))</c>, <c>x = LN(x + W₂·GELU(W₁·x))</c>) with padding masked,
/// pooled by the mean of the tokens or the first token. An empty text gives zeros. Not thread-safe.
/// </summary>
public sealed class TextTransformer : ITokenModule, IModalityMask
{
    readonly TokenEmbedding tokens;
    readonly Parameter positions;
    readonly Block[] blocks;
    readonly TextOptions options;

    /// <summary>A transformer over <paramref name="cardinality"/> token ids in <paramref name="dimension"/> columns.</summary>
    /// <exception cref="ModelException">Fewer than one layer, or heads that do not divide the dimension.</exception>
    public TextTransformer(FeatureSpec spec, int cardinality, int dimension, TextOptions options, Random rng, bool sparse = true, float std = 0.1f)
    {
        if (options.Layers < 1) ModelThrow.Config($"Text feature '{spec.Name}': {options.Layers} transformer layers; use at least 1.");
        if (options.Heads < 1 || dimension % options.Heads != 0)
            ModelThrow.Config($"Text feature '{spec.Name}': {options.Heads} heads do not divide the dimension {dimension}.");
        Spec = spec;
        this.options = options;
        tokens = new TokenEmbedding(spec.Name, cardinality, dimension, std, rng, sparse);
        positions = Init.Table(spec.Name + ".positions", spec.MaxLength, dimension, std, rng, sparse: false);
        int hidden = options.FeedForward > 0 ? options.FeedForward : 2 * dimension;
        blocks = Enumerable.Range(0, options.Layers).Select(l => new Block($"{spec.Name}.block{l}", dimension, hidden, rng)).ToArray();
    }

    /// <inheritdoc/>
    public FeatureSpec Spec { get; }
    /// <inheritdoc/>
    public int Width => tokens.Table.Cols;
    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => [tokens.Table, positions, .. blocks.SelectMany(b => b.Parameters)];
    internal TextOptions Options => options;

    /// <inheritdoc/>
    public Variable Encode(Tape tape, TowerInput input, bool training)
    {
        var (x, examples, steps) = Contextual(tape, input);
        int count = input.Count;
        if (options.Pooling == TextPooling.Mean) return tape.BagMean(tape.Embedding(x, Valid(examples, steps)), examples);
        var first = new int[count];
        var keep = new float[count * Width];
        for (int b = 0; b < count; b++)
        {
            first[b] = b * steps;
            if (examples[b + 1] > examples[b]) keep.AsSpan(b * Width, Width).Fill(1);
        }
        return tape.Multiply(tape.Embedding(x, first), tape.Constant(keep, count, Width));
    }

    /// <inheritdoc/>
    public void Present(TowerInput input, Span<bool> present)
    {
        var lengths = input[Spec.Name].Lengths;
        for (int b = 0; b < input.Count; b++) present[b] = lengths[b] > 0;
    }

    /// <inheritdoc/>
    public (Variable Tokens, int[] Offsets) EncodeTokens(Tape tape, TowerInput input, bool training)
    {
        var (x, examples, steps) = Contextual(tape, input);
        return (tape.Embedding(x, Valid(examples, steps)), examples);
    }

    /// <summary>The [count·steps, d] contextual vectors, steps the batch's longest text (at least 1).</summary>
    (Variable X, int[] Examples, int Steps) Contextual(Tape tape, TowerInput input)
    {
        int count = input.Count, d = Width;
        var (vectors, examples) = tokens.Encode(tape, input[Spec.Name], count);
        int steps = 1;
        for (int b = 0; b < count; b++) steps = Math.Max(steps, examples[b + 1] - examples[b]);
        int total = examples[count];
        // Row `total` of the padded table is zeros: every padded slot reads it.
        var padded = tape.ConcatRows(vectors, tape.Constant(new float[d], 1, d));
        var slots = new int[count * steps];
        var positionIds = new int[count * steps];
        var padding = new bool[count * steps];
        for (int b = 0; b < count; b++)
            for (int j = 0; j < steps; j++)
            {
                int length = examples[b + 1] - examples[b];
                slots[b * steps + j] = j < length ? examples[b] + j : total;
                positionIds[b * steps + j] = j;
                // An empty text keeps slot 0 as a key so its softmax is defined; its output is never read.
                padding[b * steps + j] = j >= Math.Max(length, 1);
            }
        var x = tape.Add(tape.Embedding(padded, slots), tape.Embedding(positions, positionIds));
        foreach (var block in blocks) x = block.Apply(tape, x, count, steps, padding, options.Heads);
        return (x, examples, steps);
    }

    /// <summary>The rows of the padded layout holding real tokens, in example order.</summary>
    static int[] Valid(int[] examples, int steps)
    {
        var rows = new int[examples[^1]];
        for (int b = 0, n = 0; b < examples.Length - 1; b++)
            for (int j = 0; j < examples[b + 1] - examples[b]; j++) rows[n++] = b * steps + j;
        return rows;
    }

    /// <summary>One post-norm transformer block.</summary>
    sealed class Block
    {
        readonly Parameter[] attention;
        readonly Parameter norm1Gamma, norm1Beta, norm2Gamma, norm2Beta;
        readonly Dense up, down;

        public Block(string name, int d, int hidden, Random rng)
        {
            attention = new[] { "q", "k", "v", "o" }.SelectMany(n => new[] { Init.Uniform($"{name}.attention.w{n}", d, rng, d, d), Init.Uniform($"{name}.attention.b{n}", d, rng, d) }).ToArray();
            norm1Gamma = Init.Fill(name + ".norm1.gamma", 1, d);
            norm1Beta = Init.Fill(name + ".norm1.beta", 0, d);
            norm2Gamma = Init.Fill(name + ".norm2.gamma", 1, d);
            norm2Beta = Init.Fill(name + ".norm2.beta", 0, d);
            up = new Dense(name + ".up", d, hidden, rng);
            down = new Dense(name + ".down", hidden, d, rng);
        }

        public IEnumerable<Parameter> Parameters => [.. attention, norm1Gamma, norm1Beta, .. up.Parameters, .. down.Parameters, norm2Gamma, norm2Beta];

        public Variable Apply(Tape tape, Variable x, int count, int steps, ReadOnlySpan<bool> padding, int heads)
        {
            int d = x.Cols;
            var a = attention;
            var attended = tape.SelfAttention(tape.Reshape(x, count, steps, d), padding, heads, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]);
            x = tape.LayerNorm(tape.Add(x, tape.Reshape(attended, count * steps, d)), norm1Gamma, norm1Beta);
            return tape.LayerNorm(tape.Add(x, down.Apply(tape, tape.Gelu(up.Apply(tape, x)))), norm2Gamma, norm2Beta);
        }
    }
}
