using Tandem.Data.Schema;
using Tandem.Tensors.Autograd;

namespace Tandem.Models.Towers;

/// <summary>
/// A text feature as the mean of its token embeddings (fastText's sentence vector; zero for an
/// empty text). Order-free and cheap. Not thread-safe.
/// </summary>
public sealed class TextBag : ITokenModule, IModalityMask
{
    readonly TokenEmbedding tokens;

    /// <summary>A bag over <paramref name="cardinality"/> token ids in <paramref name="dimension"/> columns.</summary>
    public TextBag(FeatureSpec spec, int cardinality, int dimension, Random rng, bool sparse = true, float std = 0.1f)
    {
        Spec = spec;
        tokens = new TokenEmbedding(spec.Name, cardinality, dimension, std, rng, sparse);
    }

    /// <inheritdoc/>
    public FeatureSpec Spec { get; }
    /// <summary>The token table.</summary>
    public Parameter Table => tokens.Table;
    /// <inheritdoc/>
    public int Width => Table.Cols;
    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => [Table];

    /// <inheritdoc/>
    public Variable Encode(Tape tape, TowerInput input, bool training)
    {
        var (vectors, offsets) = EncodeTokens(tape, input, training);
        return tape.BagMean(vectors, offsets);
    }

    /// <inheritdoc/>
    public void Present(TowerInput input, Span<bool> present)
    {
        var lengths = input[Spec.Name].Lengths;
        for (int b = 0; b < input.Count; b++) present[b] = lengths[b] > 0;
    }

    /// <inheritdoc/>
    public (Variable Tokens, int[] Offsets) EncodeTokens(Tape tape, TowerInput input, bool training) =>
        tokens.Encode(tape, input[Spec.Name], input.Count);
}
