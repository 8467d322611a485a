using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using System.Globalization;
using System.Numerics.Tensors;
using Spectre.Console;
using Tandem.Models;
using Tandem.Models.Calibration;
using Tandem.Models.Persistence;
using Tandem.Models.Evaluation;
using Tandem.Models.Training;
using Tandem.Serving;

namespace Tandem.Cli;

/// <summary><c>tandem serve</c> (the online service) and <c>tandem calibrate</c> (Platt scaling stored in the model file).</summary>
static class ServeCommands
{
    public static IEnumerable<Command> Create(TextWriter output)
    {
        var model = new Option<string>("--model") { Description = "Model file.", Required = true };
        var dataDir = new Option<string?>("--data-dir") { Description = "Folder holding ml-latest-small/ (else TANDEM_DATA, else the download cache)." };

        var index = new Option<string?>("--index") { Description = "Index file to serve (ids = item ids, integers); default: built from the model's item embeddings." };
        var spec = new Option<string>("--spec") { Description = "Factory string of the index built from the model.", DefaultValueFactory = _ => "HNSW32" };
        var ef = new Option<int>("--ef") { Description = "HNSW efSearch per request (0 = the index's own).", DefaultValueFactory = _ => EmbeddedCatalogue.DefaultEfSearch };
        var urls = new Option<string>("--urls") { Description = "Where to listen.", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var redis = new Option<string?>("--redis") { Description = "Redis HOST:PORT shared by replicas as a second embedding cache." };
        var watch = new Option<string?>("--watch") { Description = "Directory watched for new *.tandem model files, each swapped in when written." };
        var modelDir = new Option<string?>("--model-dir") { Description = "Directory POST /admin/reload may read model files from (default: the --model file's directory)." };
        var cacheSize = new Option<int>("--cache-size") { Description = "User embeddings cached in process.", DefaultValueFactory = _ => 100_000 };
        var cacheMb = new Option<int>("--cache-mb") { Description = "Mebibytes of user embeddings (keys, vectors, bookkeeping) cached in process.", DefaultValueFactory = _ => 64 };
        var cacheTtl = new Option<int>("--cache-ttl") { Description = "Seconds a cached embedding stays valid.", DefaultValueFactory = _ => 600 };
        var maxBody = new Option<int>("--max-body") { Description = "Largest request body in bytes.", DefaultValueFactory = _ => 64 * 1024 };
        var ranker = new Option<string?>("--ranker") { Description = "A ranker model file (trained on the model's data): /v1/recommend re-ranks the retrieved candidates by its calibrated click probability, /v1/predict answers; reloads read it again." };
        var cluster = new Option<string?>("--cluster") { Description = "Search the items in a Tandem cluster (Redis HOST:PORT of its membership, or 'localhost'; see 'tandem silo') instead of a local index; adds POST /v1/items and DELETE /v1/items/{id}." };
        var serve = new Command("serve", "Serve recommendations over HTTP (POST /v1/recommend, ...; GET /healthz, /health/ready, /health/live, /metrics, /openapi/v1.json). Settings not given here come from the configuration section 'Tandem' (appsettings.json, or environment variables such as Tandem__AdminKey, the admin key of POST /admin/reload).")
        { model, dataDir, index, spec, ef, urls, redis, watch, modelDir, cacheSize, cacheMb, cacheTtl, maxBody, ranker, cluster };
        serve.SetAction(p =>
        {
            if (p.GetValue(ef) < 0) CliThrow.Input($"--ef is {p.GetValue(ef)}; it must be 0 (the index's) or more");
            if (p.GetValue(cacheSize) < 1) CliThrow.Input($"--cache-size is {p.GetValue(cacheSize)}; it must be at least 1");
            if (p.GetValue(cacheMb) < 1) CliThrow.Input($"--cache-mb is {p.GetValue(cacheMb)}; it must be at least 1");
            if (p.GetValue(cacheTtl) < 1) CliThrow.Input($"--cache-ttl is {p.GetValue(cacheTtl)}; it must be at least 1 second");
            if (p.GetValue(maxBody) < 1) CliThrow.Input($"--max-body is {p.GetValue(maxBody)}; it must be at least 1 byte");
            if (p.GetValue(watch) is { } watched && !Directory.Exists(watched)) CliThrow.Input($"--watch {watched}: directory not found; create it or pass an existing one");
            if (p.GetValue(modelDir) is { } models && !Directory.Exists(models)) CliThrow.Input($"--model-dir {models}: directory not found; reloads read model files from an existing directory");
            string path = p.GetValue(model)!;
            var connection = ClusterCommands.Connect(p.GetValue(cluster));
            var loader = new ServingLoader(p.GetValue(dataDir), p.GetValue(index), p.GetValue(spec)!, p.GetValue(ef), p.GetValue(ranker))
            {
                RemoteIndex = connection is null ? null : (version, width, count) => new Tandem.Cluster.Serving.ClusterIndex(connection, version, width, count),
            };
            output.WriteLine($"Loading {path}…");
            var first = loader.Load(path);
            var holder = new ModelHolder(first, path, loader.Load);
            WebApplication app;
            try
            {
                app = TandemService.Create(p.GetValue(urls)!, o =>
                {
                    o.DataDirectory = p.GetValue(dataDir);
                    o.IndexPath = p.GetValue(index);
                    o.IndexSpec = p.GetValue(spec)!;
                    o.EfSearch = p.GetValue(ef);
                    o.Redis = p.GetValue(redis);
                    o.WatchDirectory = p.GetValue(watch);
                    o.ModelDirectory = p.GetValue(modelDir);
                    o.CacheCapacity = p.GetValue(cacheSize);
                    o.CacheBytes = (long)p.GetValue(cacheMb) << 20;
                    o.CacheTtl = TimeSpan.FromSeconds(p.GetValue(cacheTtl));
                    o.MaxBodyBytes = p.GetValue(maxBody);
                }, holder);
            }
            catch (OptionsValidationException e)
            {
                // A setting from appsettings.json or the environment (configuration section 'Tandem').
                throw new TandemException(string.Join("; ", e.Failures));
            }
            if (connection is not null) Tandem.Cluster.Serving.ClusterEndpoints.Map(app, holder);
            try { app.Start(); }
            catch (Exception e) when (e is IOException or InvalidOperationException)
            {
                // A port in use, an address not on this machine, https without a certificate: Kestrel's message says which.
                ((IDisposable)app).Dispose();
                throw new TandemException($"cannot listen on {p.GetValue(urls)}: {e.Message}");
            }
            string ranking = first.Pipeline is { } pipeline ? $", ranked by {p.GetValue(ranker)} ({pipeline.RankableItems:N0} catalogue items known to it)" : "";
            output.WriteLine($"Serving {first.Version}: {first.Index.Count:N0} indexed items, {first.Items.Count:N0} catalogue items, {first.Users.Count:N0} users{ranking}, on {string.Join(", ", app.Urls)} (Ctrl+C stops).");
            app.WaitForShutdown();
            return 0;
        });

        var negatives = new Option<int>("--negatives") { Description = "Random unseen items per held-out interaction.", DefaultValueFactory = _ => 4 };
        var seed = new Option<int>("--seed") { Description = "Seed of the negatives.", DefaultValueFactory = _ => 42 };
        var calibrate = new Command("calibrate", "Fit a Platt scaling (score → click probability) on the validation slice carved from training plus random unseen items, report it on the test split, and store it in the model file.")
        { model, dataDir, negatives, seed };
        calibrate.SetAction(p => Calibrate(output, p.GetValue(model)!, p.GetValue(dataDir), p.GetValue(negatives), p.GetValue(seed)));
        return [serve, calibrate];
    }

    static int Calibrate(TextWriter output, string path, string? dataDir, int negatives, int seed)
    {
        if (negatives < 1) CliThrow.Input($"--negatives is {negatives}; it must be at least 1");
        var (model, data) = ModelFiles.LoadWithData(path, dataDir, output);
        OutputFolder.PrepareFor(path); // the model is rewritten in its folder
        PlattScaling platt;
        (float[] Scores, byte[] Labels) test;
        using (data)
        {
            var split = data.Recipe.Split;
            if (split.ValidationFraction <= 0)
                CliThrow.Input($"{path}: the model was trained without a validation slice (split.validationFraction 0), and calibration is fitted on validation, never on the test split; train with a validation fraction");
            // The slice early stopping held out: never trained on, and not the test split.
            using var slice = TrainValidationSplit.Create(data.Log, data.Fitted, data.Data, data.Split.Train, data.Items, data.Users, data.Holdout, split.ValidationFraction, split.Seed);
            var (scores, labels) = Sample(slice.Validation!, slice.Users, slice.Catalogue, model, negatives, seed);
            platt = PlattScaling.Fit(scores, labels);
            test = Sample(data.Holdout, data.Users, data.Items, model, negatives, seed + 1);
        }
        double rate = (double)platt.Positives / platt.Examples;
        double calibrated = 0, constant = 0;
        for (int i = 0; i < test.Scores.Length; i++)
        {
            double pr = Math.Clamp(platt.Probability(test.Scores[i]), 1e-12, 1 - 1e-12);
            calibrated -= test.Labels[i] != 0 ? Math.Log(pr) : Math.Log(1 - pr);
            constant -= test.Labels[i] != 0 ? Math.Log(rate) : Math.Log(1 - rate);
        }
        TwoTowerModelFile.WriteCalibration(path, platt);
        var table = new Table().AddColumns("validation pairs", "positives", "A", "B", "test pairs", "test log loss", "test log loss of the base rate");
        table.AddRow(platt.Examples.ToString("N0", CultureInfo.InvariantCulture), platt.Positives.ToString("N0", CultureInfo.InvariantCulture),
            platt.A.ToString("G5", CultureInfo.InvariantCulture), platt.B.ToString("G5", CultureInfo.InvariantCulture), test.Scores.Length.ToString("N0", CultureInfo.InvariantCulture),
            (calibrated / test.Scores.Length).ToString("F4", CultureInfo.InvariantCulture), (constant / test.Scores.Length).ToString("F4", CultureInfo.InvariantCulture));
        Cli.Console(output).Write(table);
        output.WriteLine($"Fitted on the validation slice carved from training ({negatives} random unseen items per held-out interaction), reported on the test split.");
        output.WriteLine($"Wrote the calibration into {path}: p(click) = σ(A·score + B).");
        return 0;
    }

    /// <summary>Each of <paramref name="holdout"/>'s held-out (user, catalogue item) pairs scored as a positive, and <paramref name="negatives"/> random items the user has neither trained nor held out on as negatives.</summary>
    static (float[] Scores, byte[] Labels) Sample(Holdout holdout, UserInputs users, ItemInputs catalogue, TwoTowerModel model, int negatives, int seed)
    {
        int n = holdout.CatalogueItems.Count, d = model.User.OutputDimension;
        using var items = model.EmbedItems(catalogue, holdout.CatalogueItems);
        var rng = new Random(seed);
        var scores = new List<float>();
        var labels = new List<byte>();
        for (int user = 0; user < holdout.UserCount; user++)
        {
            if (!users.HasTraining(user) || holdout.HeldOut[user].IsEmpty) continue;
            using var u = TwoTowerModel.Embed(model.User, [users.Input([user])]);
            var known = new HashSet<int>(holdout.Excluded[user].ToArray().Concat(holdout.HeldOut[user].ToArray()));
            float Score(int item) => TensorPrimitives.Dot(u.Span[..d], items.Span.Slice(item * d, d));
            foreach (int item in holdout.HeldOut[user])
            {
                // Held-out items never seen in training have no embedding (indices past the catalogue).
                if (item >= n) continue;
                scores.Add(Score(item));
                labels.Add(1);
                for (int j = 0; j < negatives; j++)
                {
                    int negative;
                    do negative = rng.Next(n); while (known.Contains(negative));
                    scores.Add(Score(negative));
                    labels.Add(0);
                }
            }
        }
        return ([.. scores], [.. labels]);
    }
}
