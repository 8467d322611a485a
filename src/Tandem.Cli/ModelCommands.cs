using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Tandem.Data.IO;
using Tandem.Data.Schema;
using Tandem.Evaluation.Ranking;
using Tandem.Models;
using Tandem.Experiments;
using Tandem.Data.Splits;
using Tandem.Models.Training;
using Tandem.Models.Persistence;
using Tandem.Models.Ranking;
using Tandem.IO;
using Tandem.Models.Recipes;
using Tandem.Models.Towers;
using Tandem.Models.CrossModal;
using Tandem.Retrieval;
using Tandem.Serving.Catalogs;

namespace Tandem.Cli;

/// <summary><c>tandem quickstart</c>, <c>train</c>, <c>evaluate</c> and <c>recommend</c>: MovieLens two-tower models from data to recommendations.</summary>
static class ModelCommands
{
    /// <summary>The model file's name inside an output directory.</summary>
    public const string ModelFile = "model.tandem", CheckpointFile = "checkpoint.tandem";

    /// <summary>Most items <c>recommend</c> lists, as the service's <c>k</c>: a table, not a dump of the catalogue.</summary>
    const int MaxK = 1000;

    /// <summary>The index that answers recommendations by default.</summary>
    const string IndexSpec = "HNSW32";

    public static IEnumerable<Command> Create(TextWriter output, TextWriter error)
    {
        var dataDir = new Option<string?>("--data-dir") { Description = "Folder holding ml-latest-small/ (else TANDEM_DATA, else the download cache)." };
        var outDir = new Option<string>("--out") { Description = "Output directory.", DefaultValueFactory = _ => "./tandem-quickstart" };
        var epochs = new Option<int?>("--epochs") { Description = "Most training epochs (default 20; early stopping on a validation slice keeps the best)." };
        var user = new Option<string>("--user") { Description = "userId to recommend for.", DefaultValueFactory = _ => "1" };

        var quickstart = new Command("quickstart", "Train the two-tower on MovieLens ml-latest-small, compare with ID-only, most-popular and EASE, write a report and a model, recommend.")
        { dataDir, outDir, epochs, user };
        quickstart.SetAction(p => Quickstart(output, error, p.GetValue(dataDir), p.GetValue(outDir)!, p.GetValue(epochs), p.GetValue(user)!));

        var config = new Option<string>("--config") { Description = "JSON config (see examples/).", Required = true };
        var trainOut = new Option<string>("--out") { Description = "Output directory.", DefaultValueFactory = _ => "./tandem-model" };
        var resume = new Option<bool>("--resume") { Description = "Continue from the output directory's checkpoint (same config)." };
        var skipBadRows = new Option<bool>("--skip-bad-rows") { Description = "Skip malformed rows, then report how many and the first few (file:line: column)." };
        var negatives = new Option<int?>("--negatives") { Description = "Rankers: the interactions are implicit clicks, each with this many sampled non-clicks (data.clicks \"implicit\", data.negatives), seeded by split.seed." };
        var train = new Command("train", "Train a model from a JSON config; a checkpoint is written after every epoch.") { config, dataDir, trainOut, resume, skipBadRows, negatives };
        train.SetAction(p => CrossModalRecipe.IsCrossModal(p.GetValue(config)!)
            ? CrossModalCommands.Train(output, error, p.GetValue(config)!, p.GetValue(dataDir), p.GetValue(trainOut)!)
            : Train(output, error, Overrides(ModelRecipe.Read(p.GetValue(config)!), p.GetValue(skipBadRows), p.GetValue(negatives)),
                p.GetValue(dataDir), p.GetValue(trainOut)!, p.GetValue(resume)));

        var model = new Option<string>("--model") { Description = "Model file.", Required = true };
        var baseline = new Option<string?>("--baseline") { Description = "Rankers: another ranker file on the same split (e.g. logistic regression) to report RelaImpr over." };
        var pairs = new Option<string?>("--pairs") { Description = "A cross-modal model: the image–caption pairs to rank (a Flickr8k- or COCO-layout folder, or flickr8k-1k)." };
        var evaluate = new Command("evaluate", "Recall/NDCG@K of a two-tower model on its held-out split, beside most-popular; AUC, group AUC, log loss and ECE of a ranker; a cross-modal model on --pairs, both directions.") { model, dataDir, baseline, pairs };
        evaluate.SetAction(p => p.GetValue(pairs) is { } set
            ? CrossModalCommands.Evaluate(output, p.GetValue(model)!, set, p.GetValue(dataDir))
            : RankerFile.IsRanker(p.GetValue(model)!)
            ? RankerCommands.Evaluate(output, p.GetValue(model)!, p.GetValue(dataDir), p.GetValue(baseline))
            : Evaluate(output, p.GetValue(model)!, p.GetValue(dataDir)));

        var recommendUser = new Option<string>("--user") { Description = "userId.", Required = true };
        var k = new Option<int>("-k") { Description = "How many items.", DefaultValueFactory = _ => 10 };
        var index = new Option<string>("--index") { Description = "Index factory string over the item embeddings (HNSW32, Flat, ...).", DefaultValueFactory = _ => IndexSpec };
        var ranker = new Option<string?>("--ranker") { Description = "A ranker model file: re-rank the retrieved candidates by its calibrated click probability (retrieve, then rank)." };
        var candidates = new Option<int>("--candidates") { Description = "With --ranker: items retrieved for the ranker to score.", DefaultValueFactory = _ => 200 };
        var recommend = new Command("recommend", "Top-K unseen movies for a user, answered by a vector index of the item embeddings; with --ranker, the top --candidates re-ranked by a CTR model.") { model, recommendUser, k, index, dataDir, ranker, candidates };
        recommend.SetAction(p => p.GetValue(ranker) is { } r
            ? RankerCommands.Recommend(output, p.GetValue(model)!, r, p.GetValue(recommendUser)!, p.GetValue(k), p.GetValue(candidates), p.GetValue(index)!, p.GetValue(dataDir))
            : Recommend(output, p.GetValue(model)!, p.GetValue(recommendUser)!, p.GetValue(k), p.GetValue(index)!, p.GetValue(dataDir)));
        return [quickstart, train, evaluate, recommend];
    }

    static int Quickstart(TextWriter output, TextWriter error, string? dataDir, string outDir, int? epochs, string userId)
    {
        if (epochs is < 1) CliThrow.Input($"--epochs is {epochs}; it must be at least 1");
        var console = Cli.Console(output);
        var recipe = MovieLensExperiment.Recipe(new MovieLensOptions());
        recipe = recipe with { Training = recipe.Training with { Epochs = epochs ?? recipe.Training.Epochs } };
        output.WriteLine("Loading MovieLens ml-latest-small…");
        using var data = ModelData.Load(recipe, dataDir);
        OutputFolder.Prepare(outDir);
        int code = data.UserCode(userId);
        output.WriteLine($"{data.Split.Train.Length:N0} training and {data.Split.Test.Length:N0} test ratings, {data.Holdout.UserCount:N0} users, {data.Holdout.CatalogueItems.Count:N0} catalogue movies.");
        using var stop = StopRequest.OnCtrlC(error);
        var (model, history, result) = Fit(output, data, recipe, "two-tower (history + genres)", null, stop.Token);
        string modelPath = Path.Combine(outDir, ModelFile);
        if (result.Cancelled || stop.IsRequested)
        {
            // Stopped: keep what was trained; skip the baseline and the report.
            model.Save(modelPath, EmbeddedCatalogue.Create(model, data));
            error.WriteLine($"tandem: stopped (Ctrl+C) after {result.Epochs.Count} epoch(s); wrote {modelPath}, no report.");
            return 130;
        }
        foreach (string unused in ModelRecipe.Unused(model)) output.WriteLine($"warning: {unused}");
        var (baseline, _, baseResult) = Fit(output, data, recipe.IdsOnly(data.Fitted.Schema), "ID-only two-tower", null, stop.Token);
        var catalogue = EmbeddedCatalogue.Create(model, data);
        if (baseResult.Cancelled)
        {
            model.Save(modelPath, catalogue);
            error.WriteLine($"tandem: stopped (Ctrl+C) while training the ID-only baseline; wrote {modelPath}, no report.");
            return 130;
        }

        int k = recipe.K;
        var report = data.Holdout.Evaluate(model, data.Users, data.Items, k);
        var idReport = data.Holdout.Evaluate(baseline, data.Users, data.Items, k);
        var popular = data.Holdout.Evaluate(data.Holdout.MostPopular(), k);
        var ease = ReferenceBaselines.RunEase(ReferenceBaselines.Validation(data), data.Holdout, new BaselineOptions { K = k });
        string easeName = $"EASE ({ease.Choice})";
        console.Write(Table($"Held-out ratings of {report.UsersEvaluated:N0} users, all {report.ItemCount:N0} movies ranked, training items excluded",
            [("two-tower", report), ("ID-only", idReport), ("most-popular", popular)], k));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{easeName}, chosen on validation: Recall@{k} {ease.Report[$"Recall@{k}"]:0.0000}, NDCG@{k} {ease.Report[$"NDCG@{k}"]:0.0000}; " +
            $"the two-tower reaches {report[$"Recall@{k}"] / ease.Report[$"Recall@{k}"]:0.00}× and {report[$"NDCG@{k}"] / ease.Report[$"NDCG@{k}"]:0.00}× of it."));

        var written = new TrainingReport
        {
            Title = "Tandem quickstart: MovieLens ml-latest-small",
            ModelName = "two-tower",
            Model = Describe(recipe),
            Protocol =
            [
                new("split", $"reference 75/25 per user, seed {recipe.Split.Seed}"),
                new("train / test ratings", $"{data.Split.Train.Length} / {data.Split.Test.Length}"),
                new("evaluation", $"full catalogue ({report.ItemCount} items), training items excluded, K = {k}"),
            ],
            Result = report,
            Baselines = [("ID-only", idReport), ("most-popular", popular), (easeName, ease.Report)],
            History = history,
        }.WriteTo(outDir);
        model.Save(modelPath, catalogue);
        output.WriteLine($"Wrote {string.Join(", ", written.Select(Path.GetFileName))} and {ModelFile} to {outDir}");
        using var index = catalogue.Index(IndexSpec);
        using var exact = catalogue.Index("Flat");
        int user = catalogue.UserOf(userId);
        var fromIndex = catalogue.Recommend(index, user, 10).Select(r => r.Item);
        int agree = fromIndex.Intersect(catalogue.Recommend(exact, user, 10).Select(r => r.Item)).Count();
        output.WriteLine($"Indexed {index.Count:N0} movie embeddings with {index.Spec} (Tandem.Retrieval); the recommendations come from it " +
            $"({agree} of 10 equal exact search's).");
        WriteRecommendations(console, catalogue, index, DisplayFields(model, dataDir), userId, user, 10);
        return 0;
    }

    /// <summary>The config with the command line's data options applied.</summary>
    static ModelRecipe Overrides(ModelRecipe recipe, bool skipBadRows, int? negatives)
    {
        if (negatives < 1) CliThrow.Input($"--negatives is {negatives}; it must be at least 1 non-click per click");
        if (negatives is not null && recipe.Ranker is null) CliThrow.Input("--negatives samples non-clicks for a ranker; the config has no \"ranker\" section");
        var data = recipe.Data with { SkipBadRows = recipe.Data.SkipBadRows || skipBadRows };
        return recipe with { Data = negatives is { } n ? data with { Clicks = ClickSource.Implicit, Negatives = n } : data };
    }

    static int Train(TextWriter output, TextWriter error, ModelRecipe recipe, string? dataDir, string outDir, bool resume)
    {
        if (recipe.Ranker is not null) return RankerCommands.Train(output, error, recipe, dataDir, outDir, resume);
        var console = Cli.Console(output);
        string checkpoint = Path.Combine(outDir, CheckpointFile);
        if (resume && !File.Exists(checkpoint)) CliThrow.Input($"{checkpoint}: no checkpoint to resume from; train without --resume first");
        var read = new ReadReport();
        using var cache = EncodingLog.Cache(output);
        using var data = ModelData.Load(recipe, dataDir, report: read, encoder: cache.Encoder);
        OutputFolder.Prepare(outDir);
        using var stop = StopRequest.OnCtrlC(error);
        var (model, _, result) = Fit(output, data, recipe, "two-tower", checkpoint, stop.Token, resume);
        foreach (string unused in ModelRecipe.Unused(model)) output.WriteLine($"warning: {unused}");
        string modelPath = Path.Combine(outDir, ModelFile);
        model.Save(modelPath, EmbeddedCatalogue.Create(model, data));
        if (result.Cancelled) output.WriteLine($"Stopped (Ctrl+C) after {result.Epochs.Count} epoch(s).");
        var report = data.Holdout.Evaluate(model, data.Users, data.Items, recipe.K);
        var popular = data.Holdout.Evaluate(data.Holdout.MostPopular(), recipe.K);
        console.Write(Table($"Held-out interactions of {report.UsersEvaluated:N0} users, all {report.ItemCount:N0} items ranked", [("model", report), ("most-popular", popular)], recipe.K));
        output.WriteLine($"Wrote {modelPath} and {checkpoint}");
        ModelFiles.WriteSkipped(output, read);
        return result.Cancelled ? 130 : 0;
    }

    static int Evaluate(TextWriter output, string modelPath, string? dataDir)
    {
        var (model, data) = ModelFiles.LoadWithData(modelPath, dataDir, output);
        using (data)
        {
            int k = data.Recipe.K;
            var report = data.Holdout.Evaluate(model, data.Users, data.Items, k);
            var popular = data.Holdout.Evaluate(data.Holdout.MostPopular(), k);
            Cli.Console(output).Write(Table($"{Path.GetFileName(modelPath)}: {report.UsersEvaluated:N0} users, {report.ItemCount:N0} items ranked",
                [("model", report), ("most-popular", popular)], k));
        }
        return 0;
    }

    static int Recommend(TextWriter output, string modelPath, string userId, int k, string spec, string? dataDir)
    {
        if (k is < 1 or > MaxK) CliThrow.Input($"-k is {k}; it must be between 1 and {MaxK} (the service's limit too)");
        var model = TwoTowerModel.Load(modelPath);
        var catalogue = TwoTowerModelFile.Catalogue(modelPath);
        int user = catalogue.UserOf(userId);
        if (user < 0) CliThrow.Input($"user '{userId}' is not in {Path.GetFileName(modelPath)}'s training data; use a user id of the data it was trained on");
        using var index = catalogue.Index(spec);
        WriteRecommendations(Cli.Console(output), catalogue, index, DisplayFields(model, dataDir), userId, user, k);
        return 0;
    }

    /// <summary>Trains one model with a progress display; optionally saves a checkpoint after every epoch.</summary>
    static (TwoTowerModel Model, List<EpochRecord> History, TrainingResult Result) Fit(TextWriter output, ModelData data, ModelRecipe recipe,
        string title, string? checkpoint, CancellationToken cancellation, bool resume = false)
    {
        var history = new List<EpochRecord>();
        int k = recipe.K, epochs = recipe.Training.Epochs;
        string metric = TrainValidationSplit.MetricName(recipe.Training.ValidationMetric, k);
        TrainValidationSplit? validation = null;
        using var progress = new ConsoleProgress(output);
        var (model, result) = data.Train(recipe, (trainer, slice, _) =>
        {
            validation = slice;
            output.WriteLine(slice.Validation is null
                ? $"Training {title}: {epochs} epochs"
                : $"Training {title}: at most {epochs} epochs, stopping early on {metric} of {slice.Validation.HeldOut.TotalCount:N0} held-out training interactions");
            progress.Follow(trainer, slice.ExampleRows(recipe).Length, metric, history.Add);
            trainer.CheckpointPath = checkpoint;
            if (resume && checkpoint is not null) output.WriteLine($"Resuming from {checkpoint}");
        }, cancellation, resume ? checkpoint : null);
        if (validation?.Validation is not null && result.Epochs.Count > 0)
        {
            var best = result.Epochs.First(e => e.Epoch == result.BestEpoch);
            output.WriteLine($"Kept epoch {result.BestEpoch + 1} of {result.Epochs[^1].Epoch + 1} (validation {metric} {best.Validation:0.0000})" +
                (result.StoppedEarly ? $"; stopped early after {recipe.Training.Patience} epochs without improvement." : "."));
        }
        return (model, history, result);
    }

    /// <summary>One row per metric, one column per model, then the first model's lift over each baseline.</summary>
    static Table Table(string caption, (string Name, RankingReport Report)[] models, int k)
    {
        string[] metrics = [$"Recall@{k}", $"NDCG@{k}", $"HitRate@{k}", $"MAP@{k}", "MRR"];
        var table = new Table().Title(caption);
        table.AddColumn("metric");
        foreach (var (name, _) in models) table.AddColumn(new TableColumn(name).RightAligned());
        foreach (var (name, _) in models.Skip(1)) table.AddColumn(new TableColumn($"lift vs {name}").RightAligned());
        foreach (string metric in metrics)
        {
            var cells = new List<string> { metric };
            cells.AddRange(models.Select(m => Format(m.Report[metric])));
            cells.AddRange(models.Skip(1).Select(m => m.Report[metric] > 0 ? $"{models[0].Report[metric] / m.Report[metric]:0.00}×" : "–"));
            table.AddRow(cells.Select(Markup.Escape).ToArray());
        }
        return table;
    }

    static string Format(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);

    static void WriteRecommendations(IAnsiConsole console, EmbeddedCatalogue catalogue, IVectorIndex index, Func<string, string> describe, string userId, int user, int k)
    {
        var table = new Table().Title($"Top {k} unseen items for user {userId} ({index.Spec} index)");
        table.AddColumn(new TableColumn("#").RightAligned());
        table.AddColumn("item");
        table.AddColumn("description");
        table.AddColumn(new TableColumn("score").RightAligned());
        int rank = 0;
        foreach (var (item, score) in catalogue.Recommend(index, user, k))
        {
            string key = catalogue.ItemKeys[item];
            table.AddRow((++rank).ToString(CultureInfo.InvariantCulture), Markup.Escape(key), Markup.Escape(describe(key)), Format(score));
        }
        console.Write(table);
    }

    /// <summary>An item's display fields from the model's items file (title, genres, …), or nothing without one.</summary>
    internal static Func<string, string> DisplayFields(TwoTowerModel model, string? dataDir)
    {
        var fields = ItemFields.Of(model, dataDir);
        if (fields is null) return _ => "";
        return key =>
        {
            int row = fields.RowOf(key);
            return row < 0 ? "" : string.Join("; ", fields.Fields.Select(f => string.Join("|", f.CodesOf(row).ToArray().Select(c => f.Values[c]))).Where(v => v.Length > 0));
        };
    }

    static IReadOnlyList<KeyValuePair<string, string>> Describe(ModelRecipe r) =>
    [
        new("user tower", Tower(r.User)),
        new("item tower", Tower(r.Item)),
        new("task", $"{r.Task.Loss}, τ = {r.Task.Temperature}, logQ {r.Task.LogQ}" + (r.Task.RemoveAccidentalHits ? ", accidental hits removed" : "")),
        new("training", $"{r.Training.Optimizer}, lr {r.Training.LearningRate}, batch {r.Training.BatchSize}, at most {r.Training.Epochs} epochs, seed {r.Training.Seed}" +
            (r.Split.ValidationFraction > 0 ? $"; early stopping (patience {r.Training.Patience}) on Recall@{r.K} of {r.Split.ValidationFraction:0%} of each user's training ratings" : "")),
    ];

    static string Tower(TowerOptions t) =>
        $"{string.Join(" ⊕ ", t.Features ?? ["every feature"])} → {string.Concat(t.Hidden.Select(h => $"{h} {t.Activation} → "))}{t.OutputDimension}{(t.L2Normalize ? " → L2" : "")}";
}
