using System.Buffers.Binary;
using Tandem.Retrieval.Formats;
using static Tandem.Cli.Tests.CliRun;

namespace Tandem.Cli.Tests.Faults;

/// <summary>
/// Every kind of file the CLI reads, damaged every way (truncated, bit-flipped, foreign, another kind,
/// a newer format), through the command that reads it: one line naming the file and exit 1, never a
/// stack trace or an internal error. The container's own checks are tested byte by byte in
/// Tandem.Tensors.Tests (TandemFileTests); this is the same damage as a user meets it.
/// </summary>
[Collection("Faults")]
public sealed class DamagedFileTests(FaultFixture fixture) : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("tandem-damaged-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    /// <summary>Damaged copies of <paramref name="bytes"/>: cuts, seeded bit flips, foreign files and, for a Tandem file, a newer format version.</summary>
    IEnumerable<(string Name, byte[] Bytes)> Damage(byte[] bytes, byte[] otherKind, int flips)
    {
        foreach (int cut in new[] { 0, 7, 16, bytes.Length / 3, bytes.Length - 1 }) yield return ($"cut to {cut} bytes", bytes[..cut]);
        var random = new Random(18);
        for (int i = 0; i < flips; i++)
        {
            var flipped = (byte[])bytes.Clone();
            int at = random.Next(flipped.Length);
            flipped[at] ^= (byte)(1 << random.Next(8));
            yield return ($"bit flip at {at}", flipped);
        }
        yield return ("a CSV file", File.ReadAllBytes(Path.Combine(fixture.Data, "ml-latest-small", "movies.csv")));
        yield return ("a PNG header", [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, .. new byte[100]]);
        yield return ("another Tandem kind", otherKind);
        if (!bytes.AsSpan().StartsWith("TND"u8)) yield break;
        var newer = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(newer.AsSpan(4), 99);
        yield return ("format version 99", newer);
    }

    /// <summary>Writes each damaged copy to <paramref name="path"/> and runs the command that reads it.</summary>
    void EveryDamageIsOneLine(string path, byte[] bytes, byte[] otherKind, int flips, params string[] args)
    {
        foreach (var (name, damaged) in Damage(bytes, otherKind, flips))
        {
            File.WriteAllBytes(path, damaged);
            var (code, _, error) = Run(args);
            string message = $"{Path.GetFileName(path)}, {name}: exit {code}: {error}";
            Assert.True(code == 1, message);
            Assert.StartsWith($"tandem: {path}", error);
            Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
    }

    byte[] Baseline(string file) => File.ReadAllBytes(Path.Combine(fixture.Baseline, file));

    [Fact]
    public void DamagedModelFiles()
    {
        string path = Path.Combine(directory, "model.tandem");
        EveryDamageIsOneLine(path, Baseline("model.tandem"), Baseline("checkpoint.tandem"), 12,
            "recommend", "--model", path, "--user", "1", "-k", "3", "--data-dir", fixture.Data);
    }

    [Fact]
    public void DamagedCheckpoints()
    {
        // train --resume reads the data first, so fewer flips keep this short.
        string path = Path.Combine(directory, "checkpoint.tandem");
        EveryDamageIsOneLine(path, Baseline("checkpoint.tandem"), Baseline("model.tandem"), 4,
            "train", "--config", fixture.Config, "--data-dir", fixture.Data, "--out", directory, "--resume");
    }

    [Fact]
    public void DamagedIndexes()
    {
        string source = Path.Combine(directory, "small.npy");
        var random = new Random(3);
        var values = new float[500 * 16];
        for (int i = 0; i < values.Length; i++) values[i] = random.NextSingle();
        VectorFile.Write(source, new VectorSet(values, 500, 16));
        string built = Path.Combine(directory, "built.idx");
        Assert.Equal(0, Run("index", "build", "--vectors", source, "--spec", "HNSW8", "--out", built).Code);
        string path = Path.Combine(directory, "items.idx");
        EveryDamageIsOneLine(path, File.ReadAllBytes(built), Baseline("model.tandem"), 12, "index", "search", "--index", path, "--queries", source);
    }

    [Fact]
    public void DamagedVectorFiles()
    {
        foreach (string extension in new[] { ".npy", ".fvecs" })
        {
            string good = Path.Combine(directory, "good" + extension);
            VectorFile.Write(good, new VectorSet(new float[40 * 8], 40, 8));
            string path = Path.Combine(directory, "vectors" + extension);
            // A flipped bit inside the numbers is a different, valid file (neither format has a checksum): cuts and foreign files only.
            EveryDamageIsOneLine(path, File.ReadAllBytes(good), Baseline("model.tandem"), 0,
                "index", "build", "--vectors", path, "--spec", "Flat", "--out", Path.Combine(directory, "out.idx"));
        }
    }
}
