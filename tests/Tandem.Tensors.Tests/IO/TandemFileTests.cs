using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using Tandem.IO;

using Tandem.Tests;

namespace Tandem.Tensors.Tests.IO;

public class TandemFileTests : IDisposable
{
    readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    sealed record Config(string Name, int Dim, double Temperature);

    static Tensor Random(int seed, params int[] shape)
    {
        var rng = new Random(seed);
        var t = Tensor.Empty(shape);
        foreach (ref float x in t.Span) x = (float)(rng.NextDouble() * 2 - 1);
        return t;
    }

    /// <summary>A model file of three sections; returns the path and the file's section table.</summary>
    string WriteSample(string name = "model.tandem")
    {
        var writer = new TandemFileWriter(TandemFileKind.Model);
        writer.AddJson("config", new Config("two-tower", 32, 0.05));
        writer.AddTensor("user_tower/fc1.weight", Random(1, 7, 5));
        writer.AddBytes("rng", [1, 2, 3, 4, 5]);
        string path = dir.File(name);
        writer.Save(path);
        return path;
    }

    static TandemFileException Fails(string path, TandemFileKind kind = TandemFileKind.Model) =>
        Assert.Throws<TandemFileException>(() => TandemFileReader.Open(path, kind).Dispose());

    [Fact]
    public void Sections_round_trip_tensors_bit_for_bit()
    {
        // Odd shapes, an empty tensor and awkward floats: NaN with a payload, -0, subnormal, infinities.
        var tensors = new[] { Random(2, 3, 5), Random(3, 7), Random(4, 2, 3, 4), Tensor.Zeros(0, 4) };
        var odd = tensors[1].Span;
        odd[0] = BitConverter.Int32BitsToSingle(0x7FC0_1234);
        odd[1] = -0f;
        odd[2] = float.Epsilon;
        odd[3] = float.NegativeInfinity;
        var writer = new TandemFileWriter(TandemFileKind.Checkpoint);
        for (int i = 0; i < tensors.Length; i++) writer.AddTensor($"t{i}", tensors[i]);
        writer.AddJson("config", new Config("x", 3, double.NaN));
        writer.AddBytes("empty", []);
        writer.AddBytes("odd", [1, 2, 3]);
        string path = dir.File("all.tandem");
        writer.Save(path);

        using var reader = TandemFileReader.Open(path, TandemFileKind.Checkpoint);
        Assert.Equal(2, reader.FormatVersion);
        Assert.Equal(["t0", "t1", "t2", "t3", "config", "empty", "odd"], reader.Sections.Select(s => s.Name));
        Assert.All(reader.Sections, s => Assert.Equal(0, s.Offset % 64));
        for (int i = 0; i < tensors.Length; i++)
        {
            var back = reader.ReadTensor($"t{i}");
            Assert.Equal(tensors[i].Shape.ToArray(), back.Shape.ToArray());
            Assert.True(MemoryMarshal.AsBytes(tensors[i].Span).SequenceEqual(MemoryMarshal.AsBytes(back.Span)), $"t{i} differs");
        }
        var config = reader.ReadJson<Config>("config");
        Assert.Equal("x", config.Name);
        Assert.True(double.IsNaN(config.Temperature));
        Assert.Empty(reader.ReadBytes("empty"));
        Assert.Equal([1, 2, 3], reader.ReadBytes("odd"));
    }

    [Fact]
    public void Every_truncation_is_reported_as_truncated()
    {
        string path = WriteSample();
        byte[] whole = File.ReadAllBytes(path);
        foreach (int length in new[] { 0, 3, 4, 10, 16, 40, whole.Length / 2, whole.Length - 24, whole.Length - 1 })
        {
            File.WriteAllBytes(path, whole[..length]);
            var e = Fails(path);
            Assert.StartsWith(path + ": the file is truncated", e.Message);
            Assert.Equal(path, e.FilePath);
        }
    }

    [Fact]
    public void A_flipped_byte_in_a_section_names_the_section()
    {
        string path = WriteSample();
        byte[] whole = File.ReadAllBytes(path);
        SectionInfo[] sections;
        using (var reader = TandemFileReader.Open(path, TandemFileKind.Model)) sections = reader.Sections.ToArray();
        foreach (var section in sections)
        {
            byte[] bad = (byte[])whole.Clone();
            bad[section.Offset + section.Length / 2] ^= 0x10;
            File.WriteAllBytes(path, bad);
            Assert.Equal($"{path}: checksum mismatch in section '{section.Name}' — the file is corrupt", Fails(path).Message);
        }
    }

    [Fact]
    public void A_flipped_byte_in_the_table_or_footer_is_a_checksum_error()
    {
        string path = WriteSample();
        byte[] whole = File.ReadAllBytes(path);
        long tableOffset = BinaryPrimitives.ReadInt64LittleEndian(whole.AsSpan(whole.Length - 24));

        byte[] bad = (byte[])whole.Clone();
        bad[tableOffset + 6] ^= 1; // inside the first section's name
        File.WriteAllBytes(path, bad);
        Assert.Equal($"{path}: checksum mismatch in the section table — the file is corrupt", Fails(path).Message);

        bad = (byte[])whole.Clone();
        bad[^1] ^= 1; // the file checksum itself
        File.WriteAllBytes(path, bad);
        Assert.Equal($"{path}: checksum mismatch in the file's footer — the file is corrupt", Fails(path).Message);
    }

    [Fact]
    public void Wrong_magic_and_wrong_kind_say_what_the_file_is()
    {
        string path = WriteSample();
        File.WriteAllText(dir.File("notes.txt"), "hello, this is not a model at all");
        Assert.StartsWith($"{dir.File("notes.txt")}: not a Tandem file (it starts with 68656C6C", Fails(dir.File("notes.txt")).Message);
        Assert.Equal($"{path} is a Tandem model, not a checkpoint", Fails(path, TandemFileKind.Checkpoint).Message);
        Assert.Equal($"{dir.File("missing.tandem")}: file not found; check the path", Fails(dir.File("missing.tandem")).Message);
    }

    [Fact]
    public void A_newer_format_version_is_refused()
    {
        string path = WriteSample();
        byte[] bytes = File.ReadAllBytes(path);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), 3);
        File.WriteAllBytes(path, bytes);
        Assert.Equal($"{path}: format version 3 is newer than this Tandem (2); upgrade Tandem to read it", Fails(path).Message);
    }

    /// <summary>Recomputes the table and file checksums so a doctored file reaches the checks behind them.</summary>
    static void Reseal(byte[] bytes)
    {
        var span = bytes.AsSpan();
        int footer = bytes.Length - 24;
        int table = (int)BinaryPrimitives.ReadInt64LittleEndian(span[footer..]);
        BinaryPrimitives.WriteUInt64LittleEndian(span[(footer + 8)..], Crc64.HashToUInt64(span[table..footer]));
        BinaryPrimitives.WriteUInt64LittleEndian(span[(footer + 16)..], Crc64.HashToUInt64(span[16..(footer + 16)]));
    }

    [Fact]
    public void Huge_claimed_lengths_are_refused_before_allocating()
    {
        string path = WriteSample();
        byte[] whole = File.ReadAllBytes(path);

        // The header claims a petabyte.
        byte[] bad = (byte[])whole.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(bad.AsSpan(8), 1UL << 50);
        File.WriteAllBytes(path, bad);
        Assert.Equal($"{path}: the file is truncated ({whole.Length} of {1UL << 50} bytes) — it was cut short or not written completely", Fails(path).Message);

        // The first table entry ("config", 6 bytes of name) claims a section of 2^62 bytes, checksums intact.
        bad = (byte[])whole.Clone();
        int table = (int)BinaryPrimitives.ReadInt64LittleEndian(bad.AsSpan(bad.Length - 24));
        BinaryPrimitives.WriteUInt64LittleEndian(bad.AsSpan(table + 4 + 2 + 6 + 1 + 8), 1UL << 62);
        Reseal(bad);
        File.WriteAllBytes(path, bad);
        Assert.Contains("section 'config' claims bytes 64 to", Fails(path).Message);

        // The table claims four billion sections.
        bad = (byte[])whole.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(bad.AsSpan(table), uint.MaxValue);
        Reseal(bad);
        File.WriteAllBytes(path, bad);
        Assert.Contains("the section table claims 4294967295 sections", Fails(path).Message);

        // A well-formed file whose tensor header claims 2^31 × 2^31 elements.
        var writer = new TandemFileWriter(TandemFileKind.Model);
        writer.Add("huge", SectionKind.Tensor, s => s.Write([1, 2, 0, 0, 0xFF, 0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 0x7F]));
        writer.Save(path);
        using var reader = TandemFileReader.Open(path, TandemFileKind.Model);
        var e = Assert.Throws<TandemFileException>(() => reader.ReadTensor("huge"));
        Assert.Equal($"{path}: tensor section 'huge' claims shape [2147483647, 2147483647]…, more than 2147483647 elements — the file is corrupt", e.Message);
    }

    [Fact]
    public void Missing_sections_wrong_kinds_and_shapes_are_named()
    {
        string path = WriteSample();
        using var reader = TandemFileReader.Open(path, TandemFileKind.Model);
        Assert.Equal($"{path}: has no section 'item_tower/fc1.weight' (a Tensor section was expected)",
            Assert.Throws<TandemFileException>(() => reader.ReadTensor("item_tower/fc1.weight")).Message);
        Assert.Equal($"{path}: section 'config' holds Json, expected Tensor",
            Assert.Throws<TandemFileException>(() => reader.ReadTensor("config")).Message);
        Assert.Equal($"{path}: tensor 'user_tower/fc1.weight' has shape [7, 5] in the file but [5, 7] here; the file was saved from a different model or configuration",
            Assert.Throws<TandemFileException>(() => reader.ReadTensorInto("user_tower/fc1.weight", Tensor.Zeros(5, 7))).Message);
        Assert.StartsWith($"{path}: section 'config' is not a valid Int32[]:",
            Assert.Throws<TandemFileException>(() => reader.ReadJson<int[]>("config")).Message);
    }

    [Fact]
    public void A_failed_save_leaves_the_target_untouched_and_no_temporary_file()
    {
        string path = WriteSample();
        byte[] before = File.ReadAllBytes(path);
        var writer = new TandemFileWriter(TandemFileKind.Model);
        writer.AddTensor("big", Random(5, 100, 100));
        writer.Add("broken", SectionKind.Bytes, s =>
        {
            s.Write(new byte[1000]);
            throw new InvalidOperationException("disk on fire");
        });
        Assert.Equal("disk on fire", Assert.Throws<InvalidOperationException>(() => writer.Save(path)).Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void A_file_that_cannot_be_written_is_one_clear_error()
    {
        File.WriteAllText(dir.File("plain"), "a file where a folder is needed");
        string path = dir.File("plain/model.tandem");
        var writer = new TandemFileWriter(TandemFileKind.Model);
        writer.AddBytes("x", [1]);
        var e = Assert.Throws<TandemFileException>(() => writer.Save(path));
        Assert.StartsWith($"{path}: cannot write the file: ", e.Message);
        Assert.IsAssignableFrom<IOException>(e.InnerException);
    }

    [Fact]
    public void Saving_replaces_an_existing_file()
    {
        string path = WriteSample();
        var writer = new TandemFileWriter(TandemFileKind.Model);
        writer.AddBytes("only", [42]);
        writer.Save(path);
        using var reader = TandemFileReader.Open(path, TandemFileKind.Model);
        Assert.Equal([42], reader.ReadBytes("only"));
        Assert.Single(reader.Sections);
    }

    [Fact]
    public void A_version_1_file_without_padding_still_reads()
    {
        // Version 1 packed sections back to back from byte 16; built here by hand, byte for byte.
        byte[] payload = [7, 8, 9];
        var table = new List<byte>();
        table.AddRange(BitConverter.GetBytes(1u));
        table.AddRange(BitConverter.GetBytes((ushort)1));
        table.Add((byte)'a');
        table.Add((byte)SectionKind.Bytes);
        table.AddRange(BitConverter.GetBytes(16UL));
        table.AddRange(BitConverter.GetBytes((ulong)payload.Length));
        table.AddRange(BitConverter.GetBytes(Crc64.HashToUInt64(payload)));
        long tableOffset = 16 + payload.Length;
        var bytes = new byte[tableOffset + table.Count + 24];
        "TNDM"u8.CopyTo(bytes);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), 1);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(8), (ulong)bytes.Length);
        payload.CopyTo(bytes, 16);
        table.CopyTo(bytes, (int)tableOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(bytes.Length - 24), (ulong)tableOffset);
        Reseal(bytes);
        string path = dir.File("v1.tandem");
        File.WriteAllBytes(path, bytes);
        using var reader = TandemFileReader.Open(path, TandemFileKind.Model);
        Assert.Equal(1, reader.FormatVersion);
        Assert.Equal(payload, reader.ReadBytes("a"));
    }

    [Fact]
    public void A_mapped_reader_sees_the_same_validated_sections()
    {
        string path = WriteSample();
        using var mapped = TandemFileReader.Map(path, TandemFileKind.Model);
        using var opened = TandemFileReader.Open(path, TandemFileKind.Model);
        Assert.Equal(opened.Sections, mapped.Sections);
        Assert.Equal(opened.ReadBytes("rng"), mapped.ReadBytes("rng"));
        var info = mapped.Section("rng", SectionKind.Bytes);
        unsafe { Assert.Equal([1, 2, 3, 4, 5], new ReadOnlySpan<byte>(mapped.Pointer("rng", SectionKind.Bytes), (int)info.Length).ToArray()); }
        Assert.Throws<InvalidOperationException>(() => { unsafe { Assert.True(opened.Pointer("rng", SectionKind.Bytes) != null); } });

        byte[] bad = File.ReadAllBytes(path);
        bad[info.Offset] ^= 1;
        File.WriteAllBytes(path, bad);
        Assert.Equal($"{path}: checksum mismatch in section 'rng' — the file is corrupt",
            Assert.Throws<TandemFileException>(() => TandemFileReader.Map(path, TandemFileKind.Model).Dispose()).Message);
        File.WriteAllBytes(path, []);
        Assert.StartsWith($"{path}: the file is truncated", Assert.Throws<TandemFileException>(() => TandemFileReader.Map(path, TandemFileKind.Model).Dispose()).Message);
    }

    [Fact]
    public void An_old_TANDEMIX_index_says_to_rebuild_it()
    {
        string path = dir.File("old.idx");
        File.WriteAllBytes(path, [.. "TANDEMIX"u8, 1, 0, 0, 0, 0, 0, 0, 0, .. new byte[40]]);
        Assert.Equal($"{path}: an index written by an older Tandem (format TANDEMIX), which this version no longer reads; rebuild the index",
            Fails(path, TandemFileKind.Index).Message);
    }

    [Fact]
    public void Section_names_must_be_unique_and_non_empty()
    {
        var writer = new TandemFileWriter(TandemFileKind.Model);
        writer.AddBytes("a", [1]);
        Assert.Throws<ArgumentException>(() => writer.AddBytes("a", [2]));
        Assert.Throws<ArgumentException>(() => writer.AddBytes("", [2]));
    }
}
