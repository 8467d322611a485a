namespace Tandem.Models.Persistence;

/// <summary>How a section's bytes are to be read. Stored in the section table as one byte.</summary>
public enum SectionKind : byte
{
    /// <summary>Opaque bytes (e.g. an RNG state).</summary>
    Bytes = 1,

    /// <summary>UTF-8 JSON (configurations, trainer state).</summary>
    Json = 2,

    /// <summary>A fitted feature encoder's saved state (<c>FeatureEncoder.Save</c>).</summary>
    Encoder = 3,

    /// <summary>A tensor: dtype, rank, shape, then little-endian data.</summary>
    Tensor = 4,
}
