using System.CommandLine;
using System.Globalization;
using Tandem.IO;
using Tandem.Experiments;
using Tandem.Data.Splits;
using Tandem.Models.Training;
using Tandem.Data.Images;
using Tandem.Models.Towers;

namespace Tandem.Cli;

/// <summary><c>tandem experiment flickr8k</c>: cross-modal retrieval between captions and photos.</summary>
static class Flickr8kCommand
{
    /// <summary>The report and chart names inside the output directory.</summary>
    public const string ReportFile = "flickr8k.md", PlotFile = "flickr8k.png", CacheFile = "flickr8k-images.tandem";

    /// <summary>The <c>flickr8k</c> subcommand.</summary>
    public static Command Create(TextWriter output, TextWriter error)
    {
        var dataDir = new Option<string?>("--data-dir") { Description = "Folder holding flickr8k-1k/ (else TANDEM_DATA, else the cache folder)." };
        var seeds = new Option<string>("--seeds") { Description = "Comma-separated seeds, one run each.", DefaultValueFactory = _ => "42,43,44" };
        var epochs = new Option<int>("--epochs") { Description = "Training epochs per seed.", DefaultValueFactory = _ => new Flickr8kOptions().Epochs };
        var size = new Option<int>("--image-size") { Description = "Photos are resized to this square.", DefaultValueFactory = _ => new Flickr8kOptions().ImageSize };
        var text = new Option<string>("--text") { Description = "Text tower: bag (mean of word embeddings) or transformer (2 self-attention blocks).", DefaultValueFactory = _ => "bag" };
        text.AcceptOnlyFromAmong("bag", "transformer");
        var outDir = new Option<string>("--out") { Description = "Output directory for the report, chart and decoded-image cache.", DefaultValueFactory = _ => "./tandem-flickr8k" };
        var flickr = new Command("flickr8k", "Cross-modal retrieval on flickr8k-1k: text and image towers trained with symmetric InfoNCE; caption→image and image→caption Recall@1/5/10, mean rank, NDCG@10 vs chance.")
        { dataDir, seeds, epochs, size, text, outDir };
        flickr.SetAction(p => Flickr8k(output, error, p.GetValue(dataDir), p.GetValue(seeds)!, p.GetValue(epochs), p.GetValue(size),
            p.GetValue(text) == "transformer" ? TextEncoding.Transformer : TextEncoding.Bag, p.GetValue(outDir)!));
        return flickr;
    }

    static int Flickr8k(TextWriter output, TextWriter error, string? dataDir, string seedList, int epochs, int size, TextEncoding text, string outDir)
    {
        var seeds = ExperimentCommands.Seeds(seedList);
        if (epochs < 1) CliThrow.Input($"--epochs is {epochs}; it must be at least 1");
        if (size < 8) CliThrow.Input($"--image-size is {size}; it must be at least 8 for the CNN's three 2x2 pools");
        OutputFolder.Prepare(outDir);
        var options = new Flickr8kOptions { DataDir = dataDir, Seeds = seeds, Epochs = epochs, ImageSize = size,
            Text = new TextOptions { Encoding = text }, ImageCache = Path.Combine(outDir, CacheFile) };
        using var stop = StopRequest.OnCtrlC(error);
        try
        {
            output.WriteLine($"Loading flickr8k-1k and decoding its photos to {size}x{size} (cached in {options.ImageCache})…");
            var (data, images) = Flickr8kExperiment.Prepare(options, cancel: stop.Token);
            output.WriteLine($"{data.Images.Count} photos, {data.Captions.Sum(c => c.Length)} captions{(images.FromCache ? ", photos from the cache" : "")}.");
            var runs = new List<Flickr8kRun>();
            foreach (int seed in seeds)
            {
                output.WriteLine($"Seed {seed}: training the text and image towers for {epochs} epochs");
                using var progress = new ConsoleProgress(output);
                var run = Flickr8kExperiment.RunSeed(data, images, options, seed, progress, stop.Token);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Seed {seed}: caption→image R@10 {run.CaptionToImage.RecallAt10:0.000}, image→caption R@10 {run.ImageToCaption.RecallAt10:0.000} ({run.Seconds:0} s)"));
                runs.Add(run);
            }
            var result = Flickr8kExperiment.Summarise(data, options, runs);
            string markdown = Flickr8kReport.Markdown(result, options);
            output.WriteLine();
            output.Write(markdown);
            string report = Path.Combine(outDir, ReportFile), plot = Path.Combine(outDir, PlotFile);
            AtomicFile.WriteText(report, markdown);
            Flickr8kReport.Plot(result, plot);
            output.WriteLine($"Wrote {report} and {plot}");
            return 0;
        }
        catch (OperationCanceledException) when (stop.IsRequested)
        {
            error.WriteLine("tandem: stopped (Ctrl+C); no report written.");
            return 130;
        }
    }
}
