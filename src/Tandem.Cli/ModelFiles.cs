using Tandem.Data.IO;
using Tandem.Models;
using Tandem.Models.Persistence;

namespace Tandem.Cli;

/// <summary>What the commands read from a model file: the model, its data or its embedded catalogue.</summary>
static class ModelFiles
{
    /// <summary>The model at <paramref name="path"/> and the data its recipe names (the same split, the file's fitted features).</summary>
    public static (TwoTowerModel Model, ModelData Data) LoadWithData(string path, string? dataDir, TextWriter output)
    {
        var (recipe, features) = TwoTowerModelFile.ReadRecipe(path);
        using var cache = EncodingLog.Cache(output);
        var data = ModelData.Load(recipe, dataDir, features, encoder: cache.Encoder);
        // Image and pretrained-encoder features embed from the data's images and vectors, which the file does not hold.
        return (TwoTowerModelFile.Load(path, data.Images, data.Pretrained), data);
    }

    /// <summary>Prints how many rows were skipped and the first few, each as file:line: column.</summary>
    public static void WriteSkipped(TextWriter output, ReadReport report)
    {
        if (report.RowsSkipped == 0) return;
        output.WriteLine($"Skipped {report.RowsSkipped:N0} bad row(s) of {report.RowsRead + report.RowsSkipped:N0} (--skip-bad-rows); the first {Math.Min(5, report.Messages.Count)}:");
        foreach (string message in report.Messages.Take(5)) output.WriteLine($"  {message}");
    }
}
