using System.Globalization;
using Tandem.Data.Datasets;
using Tandem.Models.CrossModal;
using Tandem.Pretrained;

namespace Tandem.Cli;

/// <summary>
/// <c>tandem train --config</c> of a cross-modal config (one with <c>"pairs"</c>) and <c>tandem evaluate
/// --model m.tandem --pairs DATASET</c>: caption ↔ image models of pretrained encoders, saved and
/// evaluated on any pairs dataset (Flickr8k or COCO layout).
/// </summary>
static class CrossModalCommands
{
    public static int Train(TextWriter output, TextWriter error, string config, string? dataDir, string outDir)
    {
        var recipe = CrossModalRecipe.Read(config);
        var data = ImageCaptions.Load(recipe.Pairs, dataDir);
        int train = (int)Math.Round(data.Images.Count * recipe.TrainFraction), validation = (int)Math.Round(data.Images.Count * recipe.ValidationFraction);
        if (validation < 1 || train + validation >= data.Images.Count)
            CliThrow.Input($"{recipe.Pairs}: {data.Images.Count} photos are too few for trainFraction {recipe.TrainFraction} and validationFraction {recipe.ValidationFraction}");
        var (trainPhotos, validationPhotos, testPhotos) = data.Split(recipe.Seed, train, validation);
        output.WriteLine($"{data.Images.Count:N0} photos, {data.Captions.Sum(c => c.Length):N0} captions: {trainPhotos.Length} training, {validationPhotos.Length} validation, {testPhotos.Length} test photos.");
        Directory.CreateDirectory(outDir);
        using var cache = EncodingLog.Cache(output);
        using var model = CrossModalModel.Create(recipe, data, cache.Encoder);
        using var stop = StopRequest.OnCtrlC(error);
        using (var progress = new ConsoleProgress(output))
        {
            var training = new CrossModalTraining
            {
                Epochs = recipe.Epochs, Patience = recipe.Patience, BatchSize = Math.Min(recipe.BatchSize, trainPhotos.Length),
                LearningRate = recipe.LearningRate, Temperature = recipe.Temperature,
            };
            var epochs = model.Train(trainPhotos, validationPhotos, training, recipe.Seed, progress, stop.Token);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Kept epoch {epochs.MaxBy(e => e.ValidationRecall)!.Epoch} of {epochs.Count} (validation recall@10 {epochs.Max(e => e.ValidationRecall):0.000})."));
        }
        string path = Path.Combine(outDir, ModelCommands.ModelFile);
        model.Save(path);
        Write(output, $"{Path.GetFileName(recipe.Pairs)} test photos", model.Evaluate(testPhotos), CrossModalModel.Chance(data, testPhotos));
        output.WriteLine($"Wrote {path}");
        return 0;
    }

    public static int Evaluate(TextWriter output, string modelPath, string pairs, string? dataDir)
    {
        var data = ImageCaptions.Load(pairs, dataDir);
        using var cache = EncodingLog.Cache(output);
        using var model = CrossModalModel.Load(modelPath, data, cache.Encoder);
        var all = Enumerable.Range(0, data.Images.Count).ToArray();
        Write(output, $"{pairs}: {data.Images.Count:N0} photos, {data.Captions.Sum(c => c.Length):N0} captions", model.Evaluate(all), CrossModalModel.Chance(data, all));
        return 0;
    }

    static void Write(TextWriter output, string title, (CrossModalMetrics ToImage, CrossModalMetrics ToCaption) model, (CrossModalMetrics ToImage, CrossModalMetrics ToCaption) chance)
    {
        output.WriteLine(title);
        output.WriteLine("| metric | caption → image | chance | image → caption | chance |");
        output.WriteLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (var (name, get) in new (string, Func<CrossModalMetrics, double>)[]
            { ("Recall@1", m => m.RecallAt1), ("Recall@5", m => m.RecallAt5), ("Recall@10", m => m.RecallAt10), ("mean rank", m => m.MeanRank), ("NDCG@10", m => m.NdcgAt10) })
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {get(model.ToImage):0.000} | {get(chance.ToImage):0.000} | {get(model.ToCaption):0.000} | {get(chance.ToCaption):0.000} |"));
    }
}
