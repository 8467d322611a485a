using System.Text.Json;
using Tandem.Data.Datasets;
using Tandem.Models.CrossModal;
using static Tandem.Cli.Tests.CliRun;

namespace Tandem.Cli.Tests;

/// <summary>
/// A cross-modal model trained from a config on Flickr photos (Flickr8k layout), saved, and evaluated
/// through the CLI on a COCO-layout set the test makes from other Flickr photos.
/// </summary>
public sealed class CrossModalCommandTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("tandem-cli-crossmodal-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void ACrossModalModelTrainsFromAConfigSavesAndEvaluatesOnACocoLayoutSet()
    {
        string shared = DataDirectory.Resolve(null) ?? throw new InvalidOperationException("shared datasets not found beside the repository");
        var flickr = Flickr8k.Load(shared);
        // Photos 0..79 in Flickr8k's layout (training, validation, test), 80..109 as COCO val captions with one photo's file missing.
        string train = Path.Combine(directory, "flickr"), coco = Path.Combine(directory, "coco");
        Directory.CreateDirectory(Path.Combine(train, "images"));
        var lines = new List<string> { "image,caption" };
        for (int i = 0; i < 80; i++)
        {
            File.Copy(flickr.ImagePath(i), Path.Combine(train, "images", flickr.Images[i]));
            lines.AddRange(flickr.Captions[i].Select(c => $"{flickr.Images[i]},\"{c.Replace("\"", "\"\"")}\""));
        }
        File.WriteAllLines(Path.Combine(train, "captions.txt"), lines);
        Directory.CreateDirectory(Path.Combine(coco, "annotations"));
        Directory.CreateDirectory(Path.Combine(coco, "val2017"));
        var images = new List<object>();
        var annotations = new List<object>();
        for (int i = 80; i < 110; i++)
        {
            string name = $"{i:D12}.jpg";
            if (i != 109) File.Copy(flickr.ImagePath(i), Path.Combine(coco, "val2017", name));
            images.Add(new { id = i, file_name = name, width = 500, height = 375 });
            annotations.AddRange(flickr.Captions[i].Select((c, k) => new { id = i * 10 + k, image_id = i, caption = c }));
        }
        File.WriteAllText(Path.Combine(coco, "annotations", "captions_val2017.json"), JsonSerializer.Serialize(new { images, annotations }));
        var loaded = ImageCaptions.Load(coco);
        Assert.Equal(29, loaded.Images.Count); // the photo without a file is left out
        Assert.Equal(Path.Combine("val2017", "000000000080.jpg"), loaded.Images[0]);

        File.WriteAllText(Path.Combine(directory, "crossmodal.json"), """
            { "pairs": "flickr", "textEncoder": "minilm", "imageEncoder": "resnet18",
              "dimension": 64, "epochs": 4, "patience": 0, "batchSize": 16, "learningRate": 0.003, "seed": 7 }
            """);
        string outDir = Path.Combine(directory, "model");
        var (code, output, error) = Run("train", "--config", Path.Combine(directory, "crossmodal.json"), "--out", outDir);
        Assert.True(code == 0, error);
        Assert.Contains("64 training, 8 validation, 8 test photos", output);
        Assert.Contains("Encoded 80 values with resnet18", output);
        string model = Path.Combine(outDir, ModelCommands.ModelFile);
        Assert.True(CrossModalModel.IsCrossModal(model));

        (code, output, error) = Run("evaluate", "--model", model, "--pairs", coco);
        Assert.True(code == 0, error);
        Assert.Contains("29 photos, 145 captions", output);
        Assert.Contains("Encoded 29 values with resnet18", output);
        // Frozen ImageNet and sentence features under a head trained on 64 photos already rank unseen COCO-layout photos well above chance
        // (chance Recall@10 over 29 photos: 10/29 = 0.345).
        var row = output.Split('\n').First(l => l.StartsWith("| Recall@10 ")).Split('|', StringSplitOptions.TrimEntries);
        double toImage = double.Parse(row[2], System.Globalization.CultureInfo.InvariantCulture), chance = double.Parse(row[3], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(0.345, chance, 3);
        Assert.True(toImage > chance + 0.2, $"caption→image Recall@10 {toImage} vs chance {chance}");

        // A two-tower evaluation of this file, or pairs that do not exist, is one line.
        (code, _, error) = Run("evaluate", "--model", model, "--pairs", Path.Combine(directory, "nowhere"));
        Assert.Equal(1, code);
        Assert.Contains("pairs dataset folder not found", error);
    }
}
