using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using Tandem.Data.Encoders;
using Tandem.Data.Schema;
using Tandem.Models.Persistence;
using Tandem.Tensors;

using Tandem.Tests;

namespace Tandem.Models.Tests.Persistence;

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
        var spec = new FeatureSpec("embedding", "embedding", FeatureKind.Vector, Tower.Item) { Dimension = 12 };
        writer.AddEncoder("encoder/embedding", new PassThroughEncoder(spec));
        string path = dir.File("all.tandem");
        writer.Save(path);

        using var reader = TandemFileReader.Open(path, TandemFileKind.Checkpoint);
        Assert.Equal(1, reader.FormatVersion);
        Assert.Equal(["t0", "t1", "t2", "t3", "config", "empty", "encoder/embedding"], reader.Sections.Select(s => s.Name));
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
        Assert.Equal(12, reader.ReadEncoder("encoder/embedding", spec).Spec.Dimension);
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
        Assert.Equal($"{path}: format version 3 is newer than this Tandem (1); upgrade Tandem to read it", Fails(path).Message);
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
        Assert.Contains("section 'config' claims bytes 16 to", Fails(path).Message);

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
        string path = dir.File("no/such/dir/model.tandem");
        var writer = new TandemFileWriter(TandemFileKind.Model);
        writer.AddBytes("x", [1]);
        var e = Assert.Throws<TandemFileException>(() => writer.Save(path));
        Assert.StartsWith($"{path}: cannot write the file: ", e.Message);
        Assert.IsType<DirectoryNotFoundException>(e.InnerException);
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
    public void Section_names_must_be_unique_and_non_empty()
    {
        var writer = new TandemFileWriter(TandemFileKind.Model);
        writer.AddBytes("a", [1]);
        Assert.Throws<ArgumentException>(() => writer.AddBytes("a", [2]));
        Assert.Throws<ArgumentException>(() => writer.AddBytes("", [2]));
    }
}
