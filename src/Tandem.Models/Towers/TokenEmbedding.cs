using Tandem.Tensors.Autograd;

namespace Tandem.Models.Towers;

/// <summary>
/// The token table of a text feature: a token's vector is the mean of its ids' rows (a word
/// and its character n-grams, or one word piece). Shared by the text modules.
/// </summary>
sealed class TokenEmbedding(string name, int cardinality, int dimension, float std, Random rng, bool sparse)
{
    /// <summary>cardinality × dimension rows.</summary>
    public Parameter Table { get; } = Init.Table(name + ".embedding", cardinality, dimension, std, rng, sparse);

    /// <summary>The [tokens, dimension] vectors of <paramref name="f"/>'s tokens and the example offsets into them.</summary>
    public (Variable Tokens, int[] Offsets) Encode(Tape tape, FeatureInput f, int count)
    {
        var examples = new int[count + 1];
        for (int b = 0; b < count; b++) examples[b + 1] = examples[b] + f.Lengths[b];
        int tokens = examples[count];
        var ids = f.Ids.AsSpan(0, f.Offsets[tokens]);
        return (tape.BagMean(tape.Embedding(Table, ids), f.Offsets.AsSpan(0, tokens + 1)), examples);
    }
}
