using System.Buffers.Binary;

namespace Tandem.IO;

/// <summary>
/// The byte layout shared by every Tandem binary file (all integers little-endian):
/// <code>
/// header   magic[4] ("TNDM" model, "TNDC" checkpoint, "TNDX" index, "TNDI" image cache), u32 format version, u64 file length
/// sections the payloads in table order, each starting at a multiple of 64 bytes (zero padding between)
/// table    u32 count, then per section: u16 name length, UTF-8 name, u8 kind, u64 offset, u64 length, u64 CRC-64
/// footer   u64 table offset, u64 CRC-64 of the table, u64 CRC-64 of every byte from 16 to here
/// </code>
/// The length in the header makes truncation recognisable as such; the per-section checksums
/// name the damaged section; the final checksum covers padding, table and footer as well.
/// Aligned sections let a reader map large arrays (an index's vectors) in place.
/// Version 1 files (sections back to back, no padding) are still read.
/// CRC-64 is ECMA-182 (<see cref="System.IO.Hashing.Crc64"/>).
/// </summary>
static class TandemFormat
{
    /// <summary>The format version this build writes and the newest it reads.</summary>
    internal const uint Version = 2;

    internal const int HeaderSize = 16;
    internal const int FooterSize = 24;

    /// <summary>Sections of version 2 and later start at multiples of this many bytes.</summary>
    internal const int Alignment = 64;

    /// <summary>Smallest possible table: an empty section count.</summary>
    internal const int MinTableSize = 4;

    /// <summary>Fixed bytes of a table entry besides its name.</summary>
    internal const int EntryFixedSize = 2 + 1 + 8 + 8 + 8;

    /// <summary>Longest section name in UTF-8 bytes.</summary>
    internal const int MaxNameBytes = 1024;

    /// <summary>A table larger than this is not one we wrote (a million sections with long names).</summary>
    internal const long MaxTableSize = 1L << 28;

    /// <summary>Where a section that may start at <paramref name="offset"/> starts in a file of <paramref name="version"/>.</summary>
    internal static long SectionStart(long offset, uint version) =>
        version < 2 ? offset : (offset + Alignment - 1) / Alignment * Alignment;

    internal static uint Magic(TandemFileKind kind) => kind switch
    {
        TandemFileKind.Model => BinaryPrimitives.ReadUInt32LittleEndian("TNDM"u8),
        TandemFileKind.Checkpoint => BinaryPrimitives.ReadUInt32LittleEndian("TNDC"u8),
        TandemFileKind.ImageCache => BinaryPrimitives.ReadUInt32LittleEndian("TNDI"u8),
        TandemFileKind.EmbeddingCache => BinaryPrimitives.ReadUInt32LittleEndian("TNDE"u8),
        _ => BinaryPrimitives.ReadUInt32LittleEndian("TNDX"u8),
    };

    internal static bool TryKind(uint magic, out TandemFileKind kind)
    {
        foreach (var k in Enum.GetValues<TandemFileKind>())
            if (Magic(k) == magic) { kind = k; return true; }
        kind = default;
        return false;
    }
}
