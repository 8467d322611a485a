using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Tandem.Data.IO;
using Tandem.Evaluation.Ranking;
using Tandem.Models;
using Tandem.Models.Experiments;
using Tandem.Models.Persistence;
using Tandem.Models.Reporting;
using Tandem.Models.Training;
using Tandem.Retrieval;

namespace Tandem.Cli;

/// <summary><c>tandem quickstart</c>, <c>train</c>, <c>evaluate</c> and <c>recommend</c>: MovieLens two-tower models from data to recommendations.</summary>
static class ModelCommands
{
    /// <summary>The model file's name inside an output directory.</summary>
    public const string ModelFile = "model.tandem", CheckpointFile = "checkpoint.tandem";

    /// <summary>The index that answers recommendations by default.</summary>
    const string IndexSpec = "HNSW32";

    public static IEnumerable<Command> Create(TextWriter output, TextWriter error)
    {
        var dataDir = new Option<string?>("--data-dir") { Description = "Folder holding ml-latest-small/ (else TANDEM_DATA, else the download cache)." };
        var outDir = new Option<string>("--out") { Description = "Output directory.", DefaultValueFactory = _ => "./tandem-quickstart" };
        var epochs = new Option<int?>("--epochs") { Description = "Most training epochs (default 20; early stopping on a validation slice keeps the best)." };
        var user = new Option<string>("--user") { Description = "userId to recommend for.", DefaultValueFactory = _ => "1" };

        var quickstart = new Command("quickstart", "Train the two-tower on MovieLens ml-latest-small, compare with most-popular and ID-only, write a report and a model, recommend.")
        { dataDir, outDir, epochs, user };
        quickstart.SetAction(p => Quickstart(output, error, p.GetValue(dataDir), p.GetValue(outDir)!, p.GetValue(epochs), p.GetValue(user)!));

        var config = new Option<string>("--config") { Description = "JSON config (see examples/).", Required = true };
        var trainOut = new Option<string>("--out") { Description = "Output directory.", DefaultValueFactory = _ => "./tandem-model" };
        var resume = new Option<bool>("--resume") { Description = "Continue from the output directory's checkpoint (same config)." };
        var skipBadRows = new Option<bool>("--skip-bad-rows") { Description = "Skip malformed rows, then report how many and the first few (file:line: column)." };
        var train = new Command("train", "Train a model from a JSON config; a checkpoint is written after every epoch.") { config, dataDir, trainOut, resume, skipBadRows };
        train.SetAction(p => Train(output, error, ModelConfig.Read(p.GetValue(config)!) is var c && p.GetValue(skipBadRows) ? c with { SkipBadRows = true } : c,
            p.GetValue(dataDir), p.GetValue(trainOut)!, p.GetValue(resume)));

        var model = new Option<string>("--model") { Description = "Model file.", Required = true };
        var evaluate = new Command("evaluate", "Recall/NDCG@K of a model file on its held-out split, beside most-popular.") { model, dataDir };
        evaluate.SetAction(p => Evaluate(output, p.GetValue(model)!, p.GetValue(dataDir)));

        var recommendUser = new Option<string>("--user") { Description = "userId.", Required = true };
        var k = new Option<int>("-k") { Description = "How many items.", DefaultValueFactory = _ => 10 };
        var index = new Option<string>("--index") { Description = "Index factory string over the item embeddings (HNSW32, Flat, ...).", DefaultValueFactory = _ => IndexSpec };
        var recommend = new Command("recommend", "Top-K unseen movies for a user, answered by a vector index of the item embeddings.") { model, recommendUser, k, index, dataDir };
        recommend.SetAction(p => Recommend(output, p.GetValue(model)!, p.GetValue(recommendUser)!, p.GetValue(k), p.GetValue(index)!, p.GetValue(dataDir)));
        return [quickstart, train, evaluate, recommend];
    }

    static int Quickstart(TextWriter output, TextWriter error, string? dataDir, string outDir, int? epochs, string userId)
    {
        if (epochs is < 1) CliThrow.Input($"--epochs is {epochs}; it must be at least 1");
        var console = Cli.Console(output);
        var full = new ModelConfig();
        full = full with { Epochs = epochs ?? full.Epochs };
        var ids = full with { IdsOnly = true };
        output.WriteLine("Loading MovieLens ml-latest-small…");
        using var session = MovieLensSession.Load(dataDir, full.SplitSeed);
        int code = session.UserCode(userId);
        output.WriteLine($"{session.Split.Train.Length:N0} training and {session.Split.Test.Length:N0} test ratings, {session.Holdout.UserCount:N0} users, {session.Holdout.CatalogueItems.Count:N0} catalogue movies.");
        using var stop = StopRequest.OnCtrlC(error);
        var (model, history, result) = Fit(output, session, full, dataDir, "two-tower (ids + history + genres)", null, stop.Token);
        string modelPath = Path.Combine(outDir, ModelFile);
        if (result.Cancelled || stop.IsRequested)
        {
            // Stopped: keep what was trained; skip the baseline and the report.
            Directory.CreateDirectory(outDir);
            TwoTowerModelFile.Save(modelPath, model, full with { Epochs = result.Epochs.Count });
            error.WriteLine($"tandem: stopped (Ctrl+C) after {result.Epochs.Count} epoch(s); wrote {modelPath}, no report.");
            return 130;
        }
        var (baseline, _, baseResult) = Fit(output, session, ids, dataDir, "ID-only two-tower", null, stop.Token);
        if (baseResult.Cancelled)
        {
            TwoTowerModelFile.Save(modelPath, model, full);
            error.WriteLine($"tandem: stopped (Ctrl+C) while training the ID-only baseline; wrote {modelPath}, no report.");
            return 130;
        }

        var report = session.Holdout.Evaluate(model, session.Users, session.Items, full.K);
        var idReport = session.Holdout.Evaluate(baseline, session.Users, session.Items, full.K);
        var popular = session.Holdout.Evaluate(session.Holdout.MostPopular(), full.K);
        console.Write(Table($"Held-out ratings of {report.UsersEvaluated:N0} users, all {report.ItemCount:N0} movies ranked, training items excluded",
            [("two-tower", report), ("ID-only", idReport), ("most-popular", popular)], full.K));

        Directory.CreateDirectory(outDir);
        var written = new TrainingReport
        {
            Title = "Tandem quickstart: MovieLens ml-latest-small",
            ModelName = "two-tower",
            Model = Describe(full),
            Protocol =
            [
                new("split", $"reference 75/25 per user, seed {full.SplitSeed}"),
                new("train / test ratings", $"{session.Split.Train.Length} / {session.Split.Test.Length}"),
                new("evaluation", $"full catalogue ({report.ItemCount} items), training items excluded, K = {full.K}"),
            ],
            Result = report,
            Baselines = [("ID-only", idReport), ("most-popular", popular)],
            History = history,
        }.WriteTo(outDir);
        TwoTowerModelFile.Save(modelPath, model, full);
        output.WriteLine($"Wrote {string.Join(", ", written.Select(Path.GetFileName))} and {ModelFile} to {outDir}");
        using var index = session.IndexItems(model, IndexSpec);
        using var exact = session.IndexItems(model, "Flat");
        var fromIndex = session.Recommend(model, index, code, 10).Select(r => r.MovieId);
        int agree = fromIndex.Intersect(session.Recommend(model, exact, code, 10).Select(r => r.MovieId)).Count();
        output.WriteLine($"Indexed {index.Count:N0} movie embeddings with {index.Spec} (Tandem.Retrieval); the recommendations come from it " +
            $"({agree} of 10 equal exact search's).");
        WriteRecommendations(console, session, model, index, userId, code, 10);
        return 0;
    }

    static int Train(TextWriter output, TextWriter error, ModelConfig config, string? dataDir, string outDir, bool resume)
    {
        var console = Cli.Console(output);
        string checkpoint = Path.Combine(outDir, CheckpointFile);
        if (resume && !File.Exists(checkpoint)) CliThrow.Input($"{checkpoint}: no checkpoint to resume from; train without --resume first");
        var read = new ReadReport();
        using var session = TrainingData.Load(config, dataDir, report: read);
        Directory.CreateDirectory(outDir);
        using var stop = StopRequest.OnCtrlC(error);
        var (model, _, result) = Fit(output, session, config, dataDir, config.IdsOnly ? "ID-only two-tower" : "two-tower", checkpoint, stop.Token, resume);
        string modelPath = Path.Combine(outDir, ModelFile);
        TwoTowerModelFile.Save(modelPath, model, config);
        if (result.Cancelled) output.WriteLine($"Stopped (Ctrl+C) after {result.Epochs.Count} epoch(s).");
        var report = session.Holdout.Evaluate(model, session.Users, session.Items, config.K);
        var popular = session.Holdout.Evaluate(session.Holdout.MostPopular(), config.K);
        console.Write(Table($"Held-out ratings of {report.UsersEvaluated:N0} users, all {report.ItemCount:N0} movies ranked", [("model", report), ("most-popular", popular)], config.K));
        output.WriteLine($"Wrote {modelPath} and {checkpoint}");
        TrainingData.WriteSkipped(output, read);
        return result.Cancelled ? 130 : 0;
    }

    static int Evaluate(TextWriter output, string modelPath, string? dataDir)
    {
        var (session, model, config) = MovieLensSession.LoadModel(modelPath, dataDir);
        using (session)
        {
            var report = session.Holdout.Evaluate(model, session.Users, session.Items, config.K);
            var popular = session.Holdout.Evaluate(session.Holdout.MostPopular(), config.K);
            Cli.Console(output).Write(Table($"{Path.GetFileName(modelPath)}: {report.UsersEvaluated:N0} users, {report.ItemCount:N0} movies ranked",
                [("model", report), ("most-popular", popular)], config.K));
        }
        return 0;
    }

    static int Recommend(TextWriter output, string modelPath, string userId, int k, string spec, string? dataDir)
    {
        if (k < 1) CliThrow.Input($"-k is {k}; it must be at least 1");
        var (session, model, _) = MovieLensSession.LoadModel(modelPath, dataDir);
        using (session)
        {
            int code = session.UserCode(userId);
            using var index = session.IndexItems(model, spec);
            WriteRecommendations(Cli.Console(output), session, model, index, userId, code, k);
        }
        return 0;
    }

    /// <summary>Trains one model with a progress display; optionally saves a checkpoint after every epoch.</summary>
    static (TwoTowerModel Model, List<EpochRecord> History, TrainingResult Result) Fit(TextWriter output, MovieLensSession session, ModelConfig config,
        string? dataDir, string title, string? checkpoint, CancellationToken cancellation, bool resume = false)
    {
        var options = config.Options(dataDir);
        // As MovieLensExperiment.Run trains: on the training rows less a validation slice that stops
        // it early, with leave-one-out histories (training only) for the full model.
        using var slice = TrainingSlice.Create(session.Log, session.Fitted, session.Data, session.Split.Train, session.Items, session.Users, session.Holdout, options);
        var model = TrainingData.Build(config, slice.Fitted, slice.Items, dataDir,
            !config.IdsOnly && config.LeaveOneOut ? slice.Users : null);
        var trainer = slice.Trainer(options);
        var history = new List<EpochRecord>();
        output.WriteLine(slice.Validation is null
            ? $"Training {title}: {config.Epochs} epochs"
            : $"Training {title}: at most {config.Epochs} epochs, stopping early on Recall@{config.K} of {slice.Validation.HeldOut.TotalCount:N0} held-out training ratings");
        using var progress = new ConsoleProgress(output);
        int current = -1;
        long examples = slice.Rows.Length;
        trainer.StepCompleted += s =>
        {
            if (s.Epoch != current) { current = s.Epoch; progress.OnEpochStart(s.Epoch + 1, config.Epochs, examples); }
            progress.OnStep(s.Loss, s.Examples);
        };
        trainer.EpochCompleted += e =>
        {
            var record = new EpochRecord
            {
                Epoch = e.Epoch + 1, Loss = e.Loss, Examples = (long)Math.Round(e.ExamplesPerSecond * e.Seconds), Seconds = e.Seconds,
                Validation = e.Validation is { } v ? new Dictionary<string, double> { [$"Recall@{config.K}"] = v } : new Dictionary<string, double>(),
            };
            history.Add(record);
            progress.OnEpochEnd(record);
        };
        trainer.CheckpointPath = checkpoint;
        if (resume && checkpoint is not null) output.WriteLine($"Resuming from {checkpoint}");
        var result = trainer.Fit(model, slice.Data, slice.Rows, cancellation, resume ? checkpoint : null);
        if (slice.Validation is not null && result.Epochs.Count > 0)
        {
            var best = result.Epochs.First(e => e.Epoch == result.BestEpoch);
            output.WriteLine($"Kept epoch {result.BestEpoch + 1} of {result.Epochs[^1].Epoch + 1} (validation Recall@{config.K} {best.Validation:0.0000})" +
                (result.StoppedEarly ? $"; stopped early after {config.Patience} epochs without improvement." : "."));
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

    static void WriteRecommendations(IAnsiConsole console, MovieLensSession session, TwoTowerModel model, IVectorIndex index, string userId, int user, int k)
    {
        var table = new Table().Title($"Top {k} unseen movies for user {userId} ({index.Spec} index)");
        table.AddColumn(new TableColumn("#").RightAligned());
        table.AddColumn("movieId");
        table.AddColumn("title");
        table.AddColumn(new TableColumn("score").RightAligned());
        int rank = 0;
        foreach (var (movie, title, score) in session.Recommend(model, index, user, k))
            table.AddRow((++rank).ToString(CultureInfo.InvariantCulture), movie, Markup.Escape(title), Format(score));
        console.Write(table);
    }

    static IReadOnlyList<KeyValuePair<string, string>> Describe(ModelConfig c) =>
    [
        new("user tower", c.IdsOnly ? $"user id ({c.Dimension})" : $"user id ⊕ mean of last 50 items → 128 ReLU → {c.Dimension} → L2"),
        new("item tower", c.IdsOnly ? $"item id ({c.Dimension})" : $"item id ⊕ mean genres (16) → 128 ReLU → {c.Dimension} → L2"),
        new("task", $"in-batch softmax, τ = {c.Temperature}, logQ, accidental hits removed"),
        new("training", $"Adam, lr {c.LearningRate}, batch {c.BatchSize}, at most {c.Epochs} epochs, seed {c.Seed}" +
            (c.ValidationFraction > 0 ? $"; early stopping (patience {c.Patience}) on Recall@{c.K} of {c.ValidationFraction:0%} of each user's training ratings" : "")),
    ];
}
