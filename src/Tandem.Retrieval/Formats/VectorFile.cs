using Tandem.IO;


namespace Tandem.Retrieval.Formats;

/// <summary>A row-major matrix of vectors: <paramref name="Data"/> holds <paramref name="Rows"/> × <paramref name="Dimension"/> floats.</summary>
public sealed record VectorSet(float[] Data, int Rows, int Dimension)
{
    /// <summary>Row <paramref name="row"/>.</summary>
    public ReadOnlySpan<float> Row(int row) => Data.AsSpan(row * Dimension, Dimension);

    /// <summary>All rows as one span.</summary>
    public ReadOnlySpan<float> Span => Data.AsSpan(0, Rows * Dimension);
}

/// <summary>Reads and writes vector files by extension: <c>.npy</c> or <c>.fvecs</c>.</summary>
public static class VectorFile
{
    /// <summary>Reads a <c>.npy</c> or <c>.fvecs</c> file.</summary>
    /// <exception cref="TandemFileException">The file is missing or malformed, or the extension unknown.</exception>
    public static VectorSet Read(string path)
    {
        if (!File.Exists(path)) FileThrow.File(path, "no such vector file; check the path");
        return Extension(path) switch
        {
            ".npy" => Npy.Read(path),
            ".fvecs" => Fvecs.Read(path),
            var other => FileThrow.File<VectorSet>(path, $"unknown vector file extension '{other}'; use .npy or .fvecs."),
        };
    }

    /// <summary>Writes a <c>.npy</c> or <c>.fvecs</c> file, chosen by extension.</summary>
    /// <exception cref="TandemFileException">The extension is neither, or the file cannot be written.</exception>
    public static void Write(string path, VectorSet vectors)
    {
        switch (Extension(path))
        {
            case ".npy": Npy.Write(path, vectors); break;
            case ".fvecs": Fvecs.Write(path, vectors); break;
            default: FileThrow.File(path, "unknown vector file extension; use .npy or .fvecs"); break;
        }
    }

    static string Extension(string path) => Path.GetExtension(path).ToLowerInvariant();
}
