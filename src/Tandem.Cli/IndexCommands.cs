using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using Tandem.IO;
using Tandem.Experiments;
using Tandem.Models.Training;
using Tandem.Retrieval;
using Tandem.Retrieval.Formats;

namespace Tandem.Cli;

/// <summary><c>tandem index build | search | bench</c>.</summary>
internal static class IndexCommands
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var index = new Command("index", "Build, search and benchmark vector indexes.");
        index.Subcommands.Add(Build(output, error));
        index.Subcommands.Add(Search(output));
        index.Subcommands.Add(Bench(output));
        return index;
    }

    static Option<string> Required(string name, string description) => new(name) { Description = description, Required = true };

    static Option<Metric> MetricOption() => new("--metric")
    {
        Description = "ip (inner product, default), cosine or l2.",
        DefaultValueFactory = _ => Metric.InnerProduct,
        CustomParser = result =>
        {
            string text = result.Tokens[0].Value;
            if (text.ToLowerInvariant() is "ip" or "cosine" or "l2") return MetricExtensions.Parse(text);
            result.AddError($"--metric '{text}' is not a metric; use ip, cosine or l2.");
            return default;
        },
    };

    static Command Build(TextWriter output, TextWriter error)
    {
        var vectors = new Option<string>("--vectors") { Description = "Item vectors, .npy (float32, rows × dimension) or .fvecs; row i gets id i (see --first-id)." };
        var model = new Option<string>("--model") { Description = "A model file: every catalogue item is embedded with its item tower; ids are the item ids (integers)." };
        var spec = Required("--spec", "Index factory string: Flat, HNSW32, HNSW32,efC200, IVF1024,Flat, IVF1024,PQ16, IVF1024,PQ16,Refine.");
        var outPath = Required("--out", "Index file to write.");
        var metric = MetricOption();
        var trainSize = new Option<int>("--train-size") { Description = "Vectors used for training (IVF, PQ); 0 = all.", DefaultValueFactory = _ => 0 };
        var firstId = new Option<long>("--first-id") { Description = "With --vectors: id of the first row (row i gets id first + i), e.g. to keep synthetic items clear of real item ids.", DefaultValueFactory = _ => 0 };
        var shards = new Option<int>("--shards") { Description = "Build a cluster version: the items split by id hash into this many shard files plus a manifest, in folder --out/--version (served by 'tandem silo').", DefaultValueFactory = _ => 0 };
        var replicas = new Option<int>("--replicas") { Description = "With --shards: copies of each shard the cluster keeps on different silos.", DefaultValueFactory = _ => 1 };
        var version = new Option<string?>("--version") { Description = "With --shards: the version id (default: the model file's version; required with --vectors)." };
        var command = new Command("build", "Build an index from a vector file, or from a model's item embeddings.") { vectors, model, spec, outPath, metric, trainSize, firstId, shards, replicas, version };
        command.Validators.Add(result =>
        {
            if ((result.GetResult(vectors) is null) == (result.GetResult(model) is null)) result.AddError("give either --vectors or --model");
            if (result.GetValue(firstId) < 0) result.AddError($"--first-id must not be negative, got {result.GetValue(firstId)}");
        });
        command.SetAction(parse =>
        {
            var (set, ids, source) = parse.GetValue(model) is { } modelPath
                ? ItemEmbeddings.Embed(modelPath)
                : Numbered(VectorFile.Read(parse.GetValue(vectors)!), parse.GetValue(firstId));
            if (parse.GetValue(shards) > 0) return ClusterCommands.BuildShards(output, set, ids, parse.GetValue(outPath)!, parse.GetValue(model), new Tandem.Cluster.Shards.ShardBuildOptions
            {
                Spec = parse.GetValue(spec)!, Metric = parse.GetValue(metric), Shards = parse.GetValue(shards), Replicas = parse.GetValue(replicas),
                Version = parse.GetValue(version) ?? "", TrainSize = parse.GetValue(trainSize),
            });
            OutputFolder.PrepareFor(parse.GetValue(outPath)!);
            using var built = IndexFactory.Create(parse.GetValue(spec)!, set.Dimension, parse.GetValue(metric));
            var clock = Stopwatch.StartNew();
            int train = parse.GetValue(trainSize);
            if (!built.IsTrained)
            {
                output.WriteLine($"Training {built.Spec} on {(train > 0 ? Math.Min(train, set.Rows) : set.Rows):N0} vectors…");
                built.Train(set.Span[..((train > 0 ? Math.Min(train, set.Rows) : set.Rows) * set.Dimension)]);
            }
            // No notice on the first Ctrl+C: the build stops within one chunk and says so below.
            using var stop = StopRequest.OnCtrlC();
            if (!IndexProgress.Add(built, set, ids, output, stop.Token))
            {
                error.WriteLine($"tandem: stopped (Ctrl+C) after {built.Count:N0} of {set.Rows:N0} vectors; {parse.GetValue(outPath)} not written.");
                return 130;
            }
            double seconds = clock.Elapsed.TotalSeconds;
            built.Save(parse.GetValue(outPath)!);
            output.WriteLine($"Built {built.Spec} over {set.Rows} {set.Dimension}-d vectors{source} ({built.Metric.Token()}) in {seconds:F1} s; wrote {parse.GetValue(outPath)}.");
            return 0;
        });
        return command;
    }

    static (VectorSet, long[], string) Numbered(VectorSet set, long first) => (set, Enumerable.Range(0, set.Rows).Select(i => first + i).ToArray(), "");

    static Command Search(TextWriter output)
    {
        var indexPath = Required("--index", "Index file written by 'tandem index build'.");
        var queries = Required("--queries", "Query vectors, .npy or .fvecs.");
        var k = new Option<int>("--k") { Description = "Results per query.", DefaultValueFactory = _ => 10 };
        var ef = new Option<int>("--ef") { Description = "HNSW efSearch (0 = the index's).", DefaultValueFactory = _ => 0 };
        var nprobe = new Option<int>("--nprobe") { Description = "IVF lists probed (0 = the index's).", DefaultValueFactory = _ => 0 };
        var mmap = new Option<bool>("--mmap") { Description = "Memory-map the index instead of reading it." };
        var command = new Command("search", "Search an index; prints query, rank, id and score as tab-separated lines.") { indexPath, queries, k, ef, nprobe, mmap };
        command.SetAction(parse =>
        {
            using var index = VectorIndex.Load(parse.GetValue(indexPath)!, parse.GetValue(mmap));
            var set = ReadQueries(parse.GetValue(queries)!, index);
            int top = Top(parse.GetValue(k), set, index);
            var scores = new float[set.Rows * top];
            var ids = new long[set.Rows * top];
            index.Search(set.Span, top, scores, ids, new SearchOptions { EfSearch = parse.GetValue(ef), NProbe = parse.GetValue(nprobe) });
            output.WriteLine("query\trank\tid\tscore");
            for (int q = 0; q < set.Rows; q++)
                for (int j = 0; j < top && ids[q * top + j] >= 0; j++)
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{q}\t{j + 1}\t{ids[q * top + j]}\t{scores[q * top + j]:G6}"));
            return 0;
        });
        return command;
    }

    static Command Bench(TextWriter output)
    {
        var indexPath = Required("--index", "Index file written by 'tandem index build'.");
        var queries = Required("--queries", "Query vectors, .npy or .fvecs.");
        var vectors = Required("--vectors", "The indexed vectors (row i = id i), for exact ground truth.");
        var k = new Option<int>("--k") { Description = "Results per query.", DefaultValueFactory = _ => 10 };
        var efs = new Option<string>("--ef") { Description = "Comma-separated efSearch values (HNSW).", DefaultValueFactory = _ => "16,32,64,128" };
        var probes = new Option<string>("--nprobe") { Description = "Comma-separated nprobe values (IVF).", DefaultValueFactory = _ => "8,16,32,64,128" };
        var command = new Command("bench", "Recall@k against exact search and single-query QPS on one thread.") { indexPath, queries, vectors, k, efs, probes };
        command.SetAction(parse =>
        {
            using var index = VectorIndex.Load(parse.GetValue(indexPath)!);
            var set = ReadQueries(parse.GetValue(queries)!, index);
            var items = VectorFile.Read(parse.GetValue(vectors)!);
            if (items.Dimension != index.Dimension) CliThrow.Input($"{parse.GetValue(vectors)}: {items.Dimension}-d vectors, but the index holds {index.Dimension}-d");
            int top = Top(parse.GetValue(k), set, index);
            using var exact = new FlatIndex(items.Dimension, index.Metric);
            exact.Add(items.Span, Enumerable.Range(0, items.Rows).Select(i => (long)i).ToArray());
            var truth = new long[set.Rows * top];
            exact.Search(set.Span, top, new float[truth.Length], truth);
            var settings = index switch
            {
                HnswIndex => Numbers(parse.GetValue(efs)!, "--ef").Select(v => ($"efSearch={v}", new SearchOptions { EfSearch = v, Threads = 1 })),
                IvfIndex or RefineIndex => Numbers(parse.GetValue(probes)!, "--nprobe").Select(v => ($"nprobe={v}", new SearchOptions { NProbe = v, Threads = 1 })),
                _ => [("exact", new SearchOptions { Threads = 1 })],
            };
            var table = new Table().AddColumns("setting", $"recall@{top}", "QPS (1 thread)");
            foreach (var (name, options) in settings)
            {
                var (recall, qps) = Measure(index, set, top, truth, options);
                table.AddRow(name, recall.ToString("F4", CultureInfo.InvariantCulture), qps.ToString("F0", CultureInfo.InvariantCulture));
            }
            Cli.Console(output).Write(table);
            return 0;
        });
        return command;
    }

    /// <summary>Searches one query at a time (the serving pattern) and reports recall and queries per second.</summary>
    internal static (double Recall, double Qps) Measure(VectorIndex index, VectorSet queries, int k, long[] truth, SearchOptions options)
    {
        var scores = new float[k];
        var found = new long[queries.Rows * k];
        for (int q = 0; q < Math.Min(queries.Rows, 50); q++) index.Search(queries.Row(q), k, scores, found.AsSpan(q * k, k), options);
        var clock = Stopwatch.StartNew();
        for (int q = 0; q < queries.Rows; q++) index.Search(queries.Row(q), k, scores, found.AsSpan(q * k, k), options);
        double seconds = clock.Elapsed.TotalSeconds;
        int hits = 0;
        for (int q = 0; q < queries.Rows; q++)
        {
            var expected = new HashSet<long>(truth.AsSpan(q * k, k).ToArray());
            for (int j = 0; j < k; j++) if (expected.Contains(found[q * k + j])) hits++;
        }
        return ((double)hits / truth.Length, queries.Rows / seconds);
    }

    static VectorSet ReadQueries(string path, VectorIndex index)
    {
        var set = VectorFile.Read(path);
        if (set.Dimension != index.Dimension) CliThrow.Input($"{path}: queries are {set.Dimension}-d, but the index holds {index.Dimension}-d vectors");
        return set;
    }

    /// <summary>
    /// Results per query: <c>--k</c>, at most the index's size (the rest would be padding), checked so that
    /// every query's results fit in memory at once.
    /// </summary>
    static int Top(int k, VectorSet queries, VectorIndex index)
    {
        if (k < 1) CliThrow.Input($"--k must be positive, got {k}");
        int top = (int)Math.Min(k, Math.Max(1, index.Count));
        long results = (long)queries.Rows * top;
        if (results > Array.MaxLength / 2)
            CliThrow.Input($"--k {k:N0} over {queries.Rows:N0} queries is {results:N0} results, too many to hold at once; search fewer queries at a time or lower --k");
        return top;
    }

    static int[] Numbers(string text, string option) => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(t => int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v > 0 ? v : CliThrow.Input<int>($"{option}: '{t}' is not a positive whole number"))
        .ToArray();
}
