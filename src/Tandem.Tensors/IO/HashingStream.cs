using System.IO.Hashing;

namespace Tandem.IO;

/// <summary>
/// A write-only pass-through that feeds every byte to a section checksum and the file checksum
/// and counts them, so a section writer can stream straight into the file.
/// </summary>
sealed class HashingStream(Stream inner, Crc64 file) : Stream
{
    readonly Crc64 section = new();

    /// <summary>Bytes written since the last <see cref="StartSection"/>.</summary>
    public long SectionLength { get; private set; }

    /// <summary>Resets the section checksum and count.</summary>
    public void StartSection()
    {
        section.Reset();
        SectionLength = 0;
    }

    /// <summary>The current section's CRC-64.</summary>
    public ulong SectionCrc => section.GetCurrentHashAsUInt64();

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        inner.Write(buffer);
        section.Append(buffer);
        file.Append(buffer);
        SectionLength += buffer.Length;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
    public override void WriteByte(byte value) => Write([value]);
    public override void Flush() => inner.Flush();
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
