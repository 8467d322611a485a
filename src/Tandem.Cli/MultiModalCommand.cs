using System.CommandLine;
using System.Globalization;
using System.Text;
using Spectre.Console;
using Tandem.IO;
using Tandem.Experiments;
using Tandem.Data.Splits;
using Tandem.Models.Training;

namespace Tandem.Cli;

/// <summary><c>tandem experiment movielens-multimodal</c>: the multi-modal item tower experiment, results as Markdown and a PNG.</summary>
static class MultiModalCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var dataDir = new Option<string?>("--data-dir") { Description = "Folder holding ml-latest-small/ and ml-latest-small-posters/." };
        var seeds = new Option<string>("--seeds") { Description = "Comma-separated seeds.", DefaultValueFactory = _ => "42,43,44" };
        var arms = new Option<string?>("--arms") { Description = $"Comma-separated arms (default the first five): {string.Join(", ", ItemArm.All.Concat(ItemArm.Pretrained).Select(a => a.Name))}." };
        var epochs = new Option<int>("--epochs") { Description = "Training epochs.", DefaultValueFactory = _ => 10 };
        var imageSize = new Option<int>("--image-size") { Description = "Poster side in pixels after resizing.", DefaultValueFactory = _ => new MultiModalOptions().ImageSize };
        var outDir = new Option<string>("--out") { Description = "Output directory for results.md and multimodal.png.", DefaultValueFactory = _ => "./tandem-multimodal" };
        var multimodal = new Command("movielens-multimodal", "Multi-modal vs unimodal item towers on ml-latest-small with posters: warm and cold-start Recall/NDCG@10 over seeds.")
            { dataDir, seeds, arms, epochs, imageSize, outDir };
        multimodal.SetAction(p => MultiModal(output, error, p.GetValue(dataDir), p.GetValue(seeds)!, p.GetValue(arms), p.GetValue(epochs), p.GetValue(imageSize), p.GetValue(outDir)!));
        return multimodal;
    }

    static int MultiModal(TextWriter output, TextWriter error, string? dataDir, string seedList, string? armList, int epochs, int imageSize, string outDir)
    {
        if (epochs < 1) CliThrow.Input($"--epochs is {epochs}; it must be at least 1");
        if (imageSize < 4) CliThrow.Input($"--image-size is {imageSize}; it must be at least 4 (two 2x2 pools)");
        var seeds = ExperimentCommands.Seeds(seedList);
        var chosen = armList is null ? ItemArm.All : armList.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(n =>
            ItemArm.All.Concat(ItemArm.Pretrained).FirstOrDefault(a => a.Name == n) ?? CliThrow.Input<ItemArm>($"--arms: unknown arm \"{n}\"; expected {string.Join(", ", ItemArm.All.Concat(ItemArm.Pretrained).Select(a => a.Name))}")).ToArray();
        OutputFolder.Prepare(outDir);
        var options = new MultiModalOptions
        {
            DataDir = dataDir,
            Seeds = seeds,
            Arms = chosen,
            Training = new MultiModalOptions().Training with { Epochs = epochs },
            ImageSize = imageSize,
            ImageCache = Path.Combine(outDir, "posters.tndi"),
        };
        using var cache = EncodingLog.Cache(output, Path.Combine(outDir, "embeddings"));
        options = options with { Encoder = cache.Encoder };
        using var stop = StopRequest.OnCtrlC(error);
        MultiModalReport report;
        try
        {
            report = MultiModalExperiment.Run(options, (name, trainer, rows) => Watch(output, name, trainer, rows, epochs), output.WriteLine, stop.Token);
        }
        catch (OperationCanceledException)
        {
            error.WriteLine("tandem: stopped (Ctrl+C); no results written.");
            return 130;
        }
        string[] names = [MultiModalExperiment.MostPopular, .. chosen.Select(a => a.Name)];
        string markdown = Markdown(report, names, seeds);
        output.WriteLine(markdown);
        AtomicFile.WriteText(Path.Combine(outDir, "results.md"), markdown);
        ExperimentPlots.Bars(names, [$"warm Recall@{report.K}", $"cold Recall@{report.K}"],
            names.Select(n => new[] { report.Summary(n, $"Recall@{report.K}", cold: false), report.Summary(n, $"Recall@{report.K}", cold: true) }).ToArray(),
            $"MovieLens item towers: Recall@{report.K}, mean ± std over {seeds.Length} seeds", Path.Combine(outDir, "multimodal.png"));
        output.WriteLine($"Wrote results.md and multimodal.png to {outDir}");
        return 0;
    }

    static void Watch(TextWriter output, string name, Tandem.Models.Training.Trainer trainer, int rows, int epochs)
    {
        output.WriteLine($"Training {name}: {epochs} epochs");
        var progress = new ConsoleProgress(output);
        int current = -1;
        trainer.StepCompleted += s =>
        {
            if (s.Epoch != current) { current = s.Epoch; progress.OnEpochStart(s.Epoch + 1, epochs, rows); }
            progress.OnStep(s.Loss, s.Examples);
        };
        trainer.EpochCompleted += e =>
        {
            progress.OnEpochEnd(new EpochRecord { Epoch = e.Epoch + 1, Loss = e.Loss, Examples = (long)Math.Round(e.ExamplesPerSecond * e.Seconds), Seconds = e.Seconds });
            if (e.Epoch + 1 == epochs) progress.Dispose();
        };
    }

    /// <summary>Mean ± std over seeds of warm and cold Recall and NDCG at K, one row per arm.</summary>
    static string Markdown(MultiModalReport report, string[] names, int[] seeds)
    {
        string k = report.K.ToString(CultureInfo.InvariantCulture);
        var b = new StringBuilder();
        b.AppendLine($"| item tower | warm Recall@{k} | warm NDCG@{k} | cold Recall@{k} | cold NDCG@{k} | train s/run |");
        b.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var n in names)
        {
            string Cell(string metric, bool cold)
            {
                var (mean, std) = report.Summary(n, metric, cold);
                return string.Create(CultureInfo.InvariantCulture, $"{mean:0.0000} ± {std:0.0000}");
            }
            double seconds = report.Results.Where(r => r.Arm == n).Average(r => r.Seconds);
            string label = n == MultiModalExperiment.MostPopular ? "most-popular (cold: random order)" : n;
            b.AppendLine($"| {label} | {Cell($"Recall@{k}", false)} | {Cell($"NDCG@{k}", false)} | {Cell($"Recall@{k}", true)} | {Cell($"NDCG@{k}", true)} | {seconds.ToString("0", CultureInfo.InvariantCulture)} |");
        }
        b.AppendLine();
        b.AppendLine(string.Create(CultureInfo.InvariantCulture, $"Seeds {string.Join(", ", seeds)}; cold movies per seed {string.Join(", ", report.ColdItems)}; {report.Posters} movies have a poster; {report.Seconds / 60:0.0} min in all."));
        return b.ToString();
    }
}
