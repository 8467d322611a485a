using System.CommandLine;
using Tandem.Data.IO;
using Tandem.Pretrained;
using Tandem.Retrieval.Formats;

namespace Tandem.Cli;

/// <summary>
/// <c>tandem embed --encoder minilm --text items.csv:title --out titles.npy</c> or
/// <c>--encoder resnet18 --images posters/</c>: a pretrained encoder's vectors as a float32 .npy
/// matrix, through the feature cache (a second run reads them).
/// </summary>
static class EmbedCommand
{
    static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png", ".bmp", ".gif"];

    public static Command Create(TextWriter output)
    {
        var encoder = new Option<string>("--encoder") { Description = "resnet18, minilm, arctic-xs, or an .onnx file with its input spec (docs/text.md).", Required = true };
        var text = new Option<string?>("--text") { Description = "FILE:COLUMN: one vector per row of the column (CSV/TSV/JSON Lines/Parquet)." };
        var images = new Option<string?>("--images") { Description = "A folder: one vector per image file, in name order (listed in OUT.txt)." };
        var outPath = new Option<string>("--out") { Description = "The .npy file written.", Required = true };
        var command = new Command("embed", "Embed texts or images with a pretrained encoder into a .npy matrix.") { encoder, text, images, outPath };
        command.SetAction(p => Run(output, p.GetValue(encoder)!, p.GetValue(text), p.GetValue(images), p.GetValue(outPath)!));
        return command;
    }

    static int Run(TextWriter output, string encoder, string? text, string? images, string outPath)
    {
        if ((text is null) == (images is null)) CliThrow.Input("give either --text FILE:COLUMN or --images FOLDER");
        using var cache = EncodingLog.Cache(output);
        var model = cache.Open(encoder);
        string folder;
        string[] values;
        if (text is not null)
        {
            if (model.Spec.Input != EncoderInput.Text) CliThrow.Input($"--encoder {encoder} embeds images; use --images, or a text encoder");
            int colon = text.LastIndexOf(':');
            if (colon <= 0 || colon == text.Length - 1) CliThrow.Input($"--text {text}: write FILE:COLUMN, e.g. movies.csv:title");
            string file = text[..colon];
            folder = Path.GetDirectoryName(Path.GetFullPath(file))!;
            values = Column(file, text[(colon + 1)..]);
        }
        else
        {
            if (model.Spec.Input != EncoderInput.Image) CliThrow.Input($"--encoder {encoder} embeds texts; use --text, or an image encoder");
            if (!Directory.Exists(images)) CliThrow.Input($"--images {images}: folder not found");
            folder = Path.GetFullPath(images!);
            values = [.. Directory.EnumerateFiles(folder).Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                .Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
            if (values.Length == 0) CliThrow.Input($"--images {images}: no .jpg, .png, .bmp or .gif file in the folder");
        }
        var vectors = cache.Encode(encoder, values, folder);
        using (vectors.Vectors)
        {
            int d = vectors.Vectors.Cols;
            Npy.Write(outPath, new VectorSet(vectors.Vectors.Span[..(values.Length * d)].ToArray(), values.Length, d));
        }
        if (images is not null) Tandem.IO.AtomicFile.WriteText(Path.ChangeExtension(outPath, ".txt"), string.Concat(values.Select(v => v + Environment.NewLine)));
        output.WriteLine($"Wrote {values.Length:N0} × {vectors.Vectors.Cols} vectors of {model.Spec.Name} to {outPath}{(images is null ? "" : $" (rows: the files in {Path.ChangeExtension(outPath, ".txt")})")}.");
        return 0;
    }

    /// <summary>Every row's value of <paramref name="column"/> in <paramref name="file"/>.</summary>
    static string[] Column(string file, string column)
    {
        using var reader = RowReaders.Open(file);
        int ordinal = reader.Columns.ToList().IndexOf(column);
        if (ordinal < 0) CliThrow.Input($"{file}: no column '{column}'; it has {string.Join(", ", reader.Columns)}");
        var values = new List<string>();
        while (reader.Read()) values.Add(ordinal < reader.FieldCount ? reader[ordinal].ToString() : "");
        return [.. values];
    }
}
