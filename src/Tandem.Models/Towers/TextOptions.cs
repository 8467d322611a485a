namespace Tandem.Models.Towers;

/// <summary>How a text feature's tokens become one vector.</summary>
public enum TextEncoding
{
    /// <summary>The mean of the token embeddings (a token: the mean of its word and n-gram rows).</summary>
    Bag,
    /// <summary>Token + position embeddings through self-attention blocks, then pooled.</summary>
    Transformer,
}

/// <summary>How a <see cref="TextTransformer"/> pools its output tokens.</summary>
public enum TextPooling
{
    /// <summary>The mean over the text's tokens.</summary>
    Mean,
    /// <summary>The first token (e.g. WordPiece's <c>[CLS]</c>).</summary>
    First,
}

/// <summary>Options of text modules. <c>new TextOptions()</c> gives the documented defaults.</summary>
public readonly record struct TextOptions
{
    /// <summary>Creates the defaults.</summary>
    public TextOptions() { }
    /// <summary>Bag of tokens or transformer. Default bag.</summary>
    public TextEncoding Encoding { get; init; } = TextEncoding.Bag;
    /// <summary>Transformer: self-attention blocks (1–4 is typical). Default 2.</summary>
    public int Layers { get; init; } = 2;
    /// <summary>Transformer: attention heads; must divide the dimension. Default 2.</summary>
    public int Heads { get; init; } = 2;
    /// <summary>Transformer: hidden width of each block's feed-forward layer; 0 for twice the dimension. Default 0.</summary>
    public int FeedForward { get; init; }
    /// <summary>Transformer: pooling of the output tokens. Default mean.</summary>
    public TextPooling Pooling { get; init; } = TextPooling.Mean;
}
