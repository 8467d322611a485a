namespace Tandem.IO;

/// <summary>What a Tandem binary file holds; each kind has its own four-byte magic number.</summary>
public enum TandemFileKind
{
    /// <summary>A trained model (<c>TNDM</c>): configuration, fitted encoders and weights.</summary>
    Model,

    /// <summary>A training checkpoint (<c>TNDC</c>): weights, optimizer and trainer state.</summary>
    Checkpoint,

    /// <summary>A vector index (<c>TNDX</c>): its structure and its arrays, each a section.</summary>
    Index,

    /// <summary>Decoded, resized and normalised images (<c>TNDI</c>), a cache rebuilt when its sources change.</summary>
    ImageCache,

    /// <summary>A pretrained encoder's embeddings of a list of values (<c>TNDE</c>), a cache keyed by the model's hash and the values.</summary>
    EmbeddingCache,
}
