namespace Tandem.IO;

/// <summary>How a section's bytes are to be read. Stored in the section table as one byte.</summary>
public enum SectionKind : byte
{
    /// <summary>Opaque bytes (e.g. an RNG state).</summary>
    Bytes = 1,

    /// <summary>UTF-8 JSON (configurations, trainer state).</summary>
    Json = 2,

    // 3 is retired (a feature-encoder kind nothing wrote); never reuse it.

    /// <summary>A tensor: dtype, rank, shape, then little-endian data.</summary>
    Tensor = 4,
}
