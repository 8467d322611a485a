using Tandem.Models.CrossModal;
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
        var textEncoder = new Option<string?>("--text-encoder") { Description = "A pretrained caption encoder (minilm, arctic-xs, or an .onnx file with its spec) instead of --text trained from scratch." };
        var imageEncoder = new Option<string?>("--image-encoder") { Description = "A pretrained photo encoder (resnet18, or an .onnx file with its spec) instead of the CNN trained from scratch." };
        var hidden = new Option<string>("--hidden") { Description = "Comma-separated hidden widths of both heads (an MLP); empty: linear.", DefaultValueFactory = _ => "" };
        var patience = new Option<int>("--patience") { Description = "Stop a seed after this many epochs without a better validation recall (the best epoch is kept); 0: never.", DefaultValueFactory = _ => 0 };
        var learningRate = new Option<float>("--learning-rate") { Description = "Adam learning rate.", DefaultValueFactory = _ => new Flickr8kOptions().LearningRate };
        var temperature = new Option<float>("--temperature") { Description = "Softmax temperature of the symmetric InfoNCE.", DefaultValueFactory = _ => new Flickr8kOptions().Temperature };
        var dimension = new Option<int>("--dimension") { Description = "Width of the shared space.", DefaultValueFactory = _ => new Flickr8kOptions().Dimension };
        var late = new Option<bool>("--late-interaction") { Description = "Also train caption words against the CNN's feature-map cells scored by MaxSim, and re-rank the single-vector top photos by it (from scratch only)." };
        var rerankDepth = new Option<int>("--rerank-depth") { Description = "With --late-interaction: photos per caption re-ranked from the single-vector ranking.", DefaultValueFactory = _ => new Flickr8kOptions().RerankDepth };
        var rerank = new Option<int>("--rerank") { Description = "Also train a cross-encoder on the model's hard negatives and re-rank each test caption's top this many photos; 0: off.", DefaultValueFactory = _ => 0 };
        var outDir = new Option<string>("--out") { Description = "Output directory for the report, chart, decoded-image and embedding caches.", DefaultValueFactory = _ => "./tandem-flickr8k" };
        var flickr = new Command("flickr8k", "Cross-modal retrieval on flickr8k-1k: text and image towers trained with symmetric InfoNCE; caption→image and image→caption Recall@1/5/10, mean rank, NDCG@10 vs chance.")
        { dataDir, seeds, epochs, size, text, textEncoder, imageEncoder, hidden, patience, learningRate, temperature, dimension, late, rerankDepth, rerank, outDir };
        flickr.SetAction(p =>
        {
            string outPath = p.GetValue(outDir)!;
            using var cache = EncodingLog.Cache(output, Path.Combine(outPath, "embeddings"));
            var options = new Flickr8kOptions
            {
                DataDir = p.GetValue(dataDir), Seeds = ExperimentCommands.Seeds(p.GetValue(seeds)!), Epochs = p.GetValue(epochs), ImageSize = p.GetValue(size),
                Text = new TextOptions { Encoding = p.GetValue(text) == "transformer" ? TextEncoding.Transformer : TextEncoding.Bag },
                ImageCache = Path.Combine(outPath, CacheFile), TextEncoder = p.GetValue(textEncoder), ImageEncoder = p.GetValue(imageEncoder),
                Hidden = Widths(p.GetValue(hidden)!), Patience = p.GetValue(patience), LearningRate = p.GetValue(learningRate),
                Temperature = p.GetValue(temperature), Dimension = p.GetValue(dimension), Encoder = cache.Encoder,
                LateInteraction = p.GetValue(late), RerankDepth = p.GetValue(rerankDepth), RerankTop = p.GetValue(rerank),
            };
            return Flickr8k(output, error, options, outPath);
        });
        return flickr;
    }

    static int[] Widths(string list) =>
        [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(w => int.TryParse(w, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : CliThrow.Input<int>($"--hidden {list}: widths must be positive integers, e.g. 512"))];

    static int Flickr8k(TextWriter output, TextWriter error, Flickr8kOptions options, string outDir)
    {
        if (options.Epochs < 1) CliThrow.Input($"--epochs is {options.Epochs}; it must be at least 1");
        if (options.ImageSize < 8) CliThrow.Input($"--image-size is {options.ImageSize}; it must be at least 8 for the CNN's three 2x2 pools");
        if (options.RerankTop < 0) CliThrow.Input($"--rerank is {options.RerankTop}; it must be 0 (off) or more");
        if (options.Patience < 0) CliThrow.Input($"--patience is {options.Patience}; it must be 0 or more");
        if (options.RerankDepth < 1) CliThrow.Input($"--rerank-depth is {options.RerankDepth}; it must be at least 1");
        if (options.LateInteraction && (options.TextEncoder ?? options.ImageEncoder) is not null)
            CliThrow.Input("--late-interaction matches caption words against the CNN's feature-map cells and trains from scratch; leave out --text-encoder and --image-encoder");
        if (!(options.LearningRate > 0) || !(options.Temperature > 0) || options.Dimension < 1) CliThrow.Input("--learning-rate, --temperature and --dimension must be positive");
        OutputFolder.Prepare(outDir);
        using var stop = StopRequest.OnCtrlC(error);
        try
        {
            output.WriteLine(options.ImageEncoder is null
                ? $"Loading flickr8k-1k and decoding its photos to {options.ImageSize}x{options.ImageSize} (cached in {options.ImageCache})…"
                : $"Loading flickr8k-1k…");
            var inputs = Flickr8kExperiment.Prepare(options, cancel: stop.Token);
            var data = inputs.Data;
            output.WriteLine($"{data.Images.Count} photos, {data.Captions.Sum(c => c.Length)} captions{(inputs.Images?.FromCache == true ? ", photos from the cache" : "")}.");
            var runs = new List<Flickr8kRun>();
            foreach (int seed in options.Seeds)
            {
                output.WriteLine($"Seed {seed}: training the text and image towers for at most {options.Epochs} epochs");
                using var progress = new ConsoleProgress(output);
                var run = Flickr8kExperiment.RunSeed(inputs, options, seed, progress, stop.Token);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Seed {seed}: caption→image R@10 {run.CaptionToImage.RecallAt10:0.000}, image→caption R@10 {run.ImageToCaption.RecallAt10:0.000}, epoch {run.BestEpoch} kept ({run.Seconds:0} s)"));
                if (run.Late is { } l)
                {
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"Seed {seed}, late interaction: caption→image R@10 {l.MaxSim.RecallAt10:0.000} (MaxSim), {l.Reranked.RecallAt10:0.000} (top {options.RerankDepth} re-ranked), epoch {l.BestEpoch} kept ({l.Seconds:0} s)"));
                    // Said once per run: the caption feature keeps its first MaxLength tokens.
                    if (l.Truncated > 0 && runs.Count == 0)
                        output.WriteLine($"note: {l.Truncated} captions have more than {CrossModalModel.Caption.MaxLength} tokens; each was truncated to its first {CrossModalModel.Caption.MaxLength}.");
                }
                if (run.Rerank is { } r) output.WriteLine(Flickr8kRerankReport.Line(seed, r));
                runs.Add(run);
            }
            var result = Flickr8kExperiment.Summarise(data, options, runs);
            string markdown = Flickr8kReport.Markdown(result, options) + Flickr8kRerankReport.Markdown(runs);
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
