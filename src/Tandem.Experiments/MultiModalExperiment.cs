using Tandem.Data.Splits;
using Tandem.Models;
using System.Diagnostics;
using Tandem.Data.Batching;
using Tandem.Data.Datasets;
using Tandem.Data.Encoders;
using Tandem.Data.IO;
using Tandem.Data.Schema;
using Tandem.Data.Tables;
using Tandem.Evaluation.Ranking;
using Tandem.Models.Evaluation;
using Tandem.Data.Images;
using Tandem.Models.Tasks;
using Tandem.Models.Towers;
using Tandem.Models.Training;

namespace Tandem.Experiments;

/// <summary>An item tower of the multi-modal experiment: its features and how they are fused.</summary>
/// <param name="Name">Name in the report.</param>
/// <param name="Features">Item features read.</param>
/// <param name="Gated">Gated fusion instead of concatenation.</param>
/// <param name="Encoders">Features read through a frozen pretrained encoder (feature → encoder, as the config's <c>encoders</c>); null: none.</param>
public sealed record ItemArm(string Name, IReadOnlyList<string> Features, bool Gated = false, IReadOnlyDictionary<string, string>? Encoders = null)
{
    /// <summary>The five arms: ids; ids + genres; + title; + poster; all, gated.</summary>
    public static IReadOnlyList<ItemArm> All { get; } =
    [
        new("ids", ["item"]),
        new("ids+genres", ["item", "genres"]),
        new("+title", ["item", "genres", "title"]),
        new("+poster", ["item", "genres", "poster"]),
        new("all fused", ["item", "genres", "title", "poster"], Gated: true),
    ];

    /// <summary>Issue 15's arms: MiniLM titles, ResNet18 posters, both fused (frozen encoders, trained heads).</summary>
    public static IReadOnlyList<ItemArm> Pretrained { get; } =
    [
        new("+MiniLM title", ["item", "genres", "title"], Encoders: new Dictionary<string, string> { ["title"] = "minilm" }),
        new("+ResNet18 poster", ["item", "genres", "poster"], Encoders: new Dictionary<string, string> { ["poster"] = "resnet18" }),
        new("pretrained fused", ["item", "genres", "title", "poster"], Gated: true, Encoders: new Dictionary<string, string> { ["title"] = "minilm", ["poster"] = "resnet18" }),
    ];
}

/// <summary>Options of <see cref="MultiModalExperiment.Run"/>. <c>new MultiModalOptions()</c> gives the documented run.</summary>
public readonly record struct MultiModalOptions
{
    /// <summary>Creates the defaults.</summary>
    public MultiModalOptions() { }
    /// <summary>Folder holding <c>ml-latest-small/</c> and <c>ml-latest-small-posters/</c>; null: as <see cref="Tandem.Data.Datasets.DataDirectory.Resolve"/>.</summary>
    public string? DataDir { get; init; }
    /// <summary>Seeds; each draws its own cold items, split and initialisation. Default 42, 43, 44.</summary>
    public IReadOnlyList<int> Seeds { get; init; } = [42, 43, 44];
    /// <summary>The arms trained. Default all five.</summary>
    public IReadOnlyList<ItemArm> Arms { get; init; } = ItemArm.All;
    /// <summary>Share of the rated movies held out of training entirely (cold-start items). Default 0.1.</summary>
    public double ColdFraction { get; init; } = 0.1;
    /// <summary>Training: as the quickstart (10 epochs, batch 1024, Adam 1e-3, one thread).</summary>
    public TrainerOptions Training { get; init; } = new() { Epochs = 10, BatchSize = 1024, LearningRate = 1e-3f, Threads = 1 };
    /// <summary>Softmax temperature. Default 0.05.</summary>
    public float Temperature { get; init; } = 0.05f;
    /// <summary>Embedding and output width. Default 64.</summary>
    public int Dimension { get; init; } = 64;
    /// <summary>Probability of dropping each item modality in training, so content alone can place an item. Default 0.25.</summary>
    public float ModalityDropout { get; init; } = 0.25f;
    /// <summary>
    /// Poster side after resizing. Default 16: on the shared 2-core machine a poster CNN took 50 s
    /// an epoch at 32 px and 45–75 s at 24 px, against 2–5 s for the other arms.
    /// </summary>
    public int ImageSize { get; init; } = 16;
    /// <summary>Channels of the poster CNN's conv blocks. Default 8, 16.</summary>
    public IReadOnlyList<int> PosterChannels { get; init; } = [8, 16];
    /// <summary>Where the decoded posters are cached; null: no cache. Default null.</summary>
    public string? ImageCache { get; init; }
    /// <summary>Ranking cut-off K. Default 10.</summary>
    public int K { get; init; } = 10;
    /// <summary>Embeds titles and posters for arms with pretrained encoders (Tandem.Pretrained's FeatureCache.Encoder).</summary>
    public ContentEncoder? Encoder { get; init; }
}

/// <summary>One arm of one seed: metrics on warm test ratings and on cold-start items.</summary>
/// <param name="Arm">Arm name (or <c>most-popular</c>).</param>
/// <param name="Seed">The seed.</param>
/// <param name="Warm">Every ranking metric on the warm protocol (docs/metrics.md).</param>
/// <param name="Cold">Every ranking metric over the cold items only.</param>
/// <param name="Seconds">Training time.</param>
public sealed record ArmResult(string Arm, int Seed, IReadOnlyDictionary<string, double> Warm, IReadOnlyDictionary<string, double> Cold, double Seconds);

/// <summary>The outcome of <see cref="MultiModalExperiment.Run"/>.</summary>
public sealed record MultiModalReport
{
    /// <summary>Every arm of every seed, in run order, the popularity baseline of each seed included.</summary>
    public required IReadOnlyList<ArmResult> Results { get; init; }
    /// <summary>Cold items per seed.</summary>
    public required IReadOnlyList<int> ColdItems { get; init; }
    /// <summary>Movies with a poster.</summary>
    public int Posters { get; init; }
    /// <summary>Cut-off K.</summary>
    public int K { get; init; }
    /// <summary>Whole-experiment wall time.</summary>
    public double Seconds { get; init; }

    /// <summary>Mean and (population) standard deviation of <paramref name="metric"/> of <paramref name="arm"/> over the seeds.</summary>
    public (double Mean, double Std) Summary(string arm, string metric, bool cold)
    {
        var values = Results.Where(r => r.Arm == arm).Select(r => (cold ? r.Cold : r.Warm)[metric]).ToArray();
        double mean = values.Average();
        return (mean, Math.Sqrt(values.Average(v => (v - mean) * (v - mean))));
    }
}

/// <summary>
/// Experiment 2 of issue 7: multi-modal against unimodal item towers on ml-latest-small with
/// posters. Per seed, <see cref="MultiModalOptions.ColdFraction"/> of the rated movies are held
/// out of training entirely (cold-start items); the other ratings get the reference 75/25
/// per-user split. Every arm shares the quickstart's user tower (id + mean of the 50 most recent
/// training movies, leave-one-out histories) and training; item towers differ in features (ids,
/// genres, title words with character n-grams, a poster CNN) and fusion (concatenation, or
/// gated for "all fused"), with missing modalities masked (an out-of-vocabulary id is missing,
/// so a cold movie is placed by content alone) and modality dropout in training.
/// Warm: the quickstart's full-catalogue protocol. Cold: each user's ratings of cold movies,
/// ranking the cold movies only (nothing excluded), numbered in a seeded random order so ties
/// (an ids-only tower gives every cold movie the same vector) rank at chance; popularity knows
/// nothing of them, so its cold row is a fixed random order, i.e. chance too.
/// </summary>
public static class MultiModalExperiment
{
    /// <summary>The popularity baseline's name in the report.</summary>
    public const string MostPopular = "most-popular";

    /// <summary>The schema: user and item ids, genres, title text, poster path, the last 50 training movies.</summary>
    public static FeatureSchema Schema() => new SchemaBuilder()
        .Interactions(user: "userId", item: "movieId", timestamp: "timestamp", rating: "rating")
        .Id("user", "userId", Tower.User)
        .Id("item", "movieId", Tower.Item)
        .MultiCategorical("genres", "genres", Tower.Item)
        .Text("title", "title", Tower.Item, maxLength: 16, charNGrams: 5)
        .Image("poster", "poster", Tower.Item)
        .Sequence("history", "movieId", maxLength: 50)
        .Build("MovieLens multi-modal");

    /// <summary>
    /// Runs every arm on every seed. <paramref name="observe"/> receives each arm's name (with its
    /// seed), its trainer before training (to watch its events) and the number of training rows;
    /// <paramref name="status"/> receives what is being done.
    /// </summary>
    /// <exception cref="Tandem.Data.DataException">The ratings or the poster folder are missing.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was signalled.</exception>
    public static MultiModalReport Run(MultiModalOptions options, Action<string, Trainer, int>? observe = null, Action<string>? status = null, CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        string dir = NamedDataset.Find("ml-latest-small").Locate(DataDirectory.Resolve(options.DataDir));
        string posters = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(dir))!, "ml-latest-small-posters");
        status?.Invoke("Loading ratings, movies and posters…");
        InteractionLog log;
        using (var ratings = new CsvRowReader(Path.Combine(dir, "ratings.csv")))
        using (var movies = new ImagePathReader(new CsvRowReader(Path.Combine(dir, "movies.csv")), "movieId", "poster", posters))
            log = InteractionLog.Load(Schema(), ratings, null, movies);
        var paths = log.Items!.Get<TextColumn>("poster").Values;
        var sources = paths.Select((p, i) => new ImageSource(i.ToString(System.Globalization.CultureInfo.InvariantCulture), p.Length > 0 ? p : null)).ToList();
        int missing = paths.Select((p, i) => (p, i)).First(x => x.p.Length == 0).i;
        // Each pretrained encoder embeds every distinct title or poster once (cached), for every seed and arm.
        var pretrained = new Dictionary<(string Feature, string Encoder), EncodedVectors>();
        foreach (var (feature, encoder) in options.Arms.SelectMany(a => a.Encoders ?? new Dictionary<string, string>()).Distinct())
        {
            var encode = options.Encoder ?? throw new ModelException($"Arms with pretrained encoders need MultiModalOptions.Encoder (Tandem.Pretrained's FeatureCache.Encoder).");
            var spec = Schema().Features.First(f => f.Name == feature);
            string[] values = [.. log.Items!.Get<TextColumn>(spec.Column).Values.Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
            status?.Invoke($"Embedding {values.Length:N0} {feature}s with {encoder}…");
            pretrained[(feature, encoder)] = encode(spec, encoder, values, posters);
        }
        var store = options.Arms.Any(a => a.Features.Contains("poster") && a.Encoders?.ContainsKey("poster") != true)
            ? ImageStore.Build(sources, new ImageOptions { Size = options.ImageSize, Missing = MissingImages.Mask }, options.ImageCache, cancel: cancellation)
            : null;

        var results = new List<ArmResult>();
        var coldCounts = new List<int>();
        foreach (int seed in options.Seeds)
        {
            var (train, warmTest, coldTest) = Split(log, seed, options.ColdFraction);
            var fitted = FittedFeatures.Fit(log, train);
            var data = fitted.Encode(log, train);
            using var items = new ItemInputs(data, train, "item");
            using var users = new UserInputs(log, fitted, data, train);
            var vocabulary = ((CategoricalEncoder)fitted["item"]).Vocabulary!;
            var holdout = new Holdout(log, train, warmTest, items, id => vocabulary.Token(id)!);
            var cold = new ColdItems(log, data, coldTest, holdout.UserCount, seed);
            coldCounts.Add(cold.Count);
            results.Add(new ArmResult(MostPopular, seed, holdout.Evaluate(holdout.MostPopular(), options.K).Metrics,
                cold.Evaluate(cold.RandomOrder(seed), options.K), 0));
            foreach (var arm in options.Arms)
            {
                cancellation.ThrowIfCancellationRequested();
                string name = $"{arm.Name} (seed {seed})";
                status?.Invoke($"Training {name}…");
                var model = Build(fitted, items, users, arm, options, seed, store, paths, missing, pretrained);
                var trainer = new Trainer(options.Training with { Seed = seed });
                observe?.Invoke(name, trainer, train.Length);
                var watch = Stopwatch.StartNew();
                var fit = trainer.Fit(model, data, train, cancellation);
                if (fit.Cancelled) throw new OperationCanceledException(cancellation);
                double seconds = watch.Elapsed.TotalSeconds;
                var result = new ArmResult(arm.Name, seed, holdout.Evaluate(model, users, items, options.K).Metrics, cold.Evaluate(model, users, options.K), seconds);
                results.Add(result);
                string k = options.K.ToString(System.Globalization.CultureInfo.InvariantCulture);
                status?.Invoke(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"{name}: warm Recall@{k} {result.Warm[$"Recall@{k}"]:0.0000}, NDCG@{k} {result.Warm[$"NDCG@{k}"]:0.0000}; cold Recall@{k} {result.Cold[$"Recall@{k}"]:0.0000}, NDCG@{k} {result.Cold[$"NDCG@{k}"]:0.0000}"));
            }
        }
        return new MultiModalReport
        {
            Results = results,
            ColdItems = coldCounts,
            Posters = paths.Count(p => p.Length > 0),
            K = options.K,
            Seconds = clock.Elapsed.TotalSeconds,
        };
    }

    /// <summary>Training rows, warm test rows (the reference split without cold movies) and the cold movies' rows.</summary>
    internal static (int[] Train, int[] WarmTest, int[] ColdTest) Split(InteractionLog log, int seed, double fraction)
    {
        var itemCodes = log.ItemCodes.ToArray();
        var rated = itemCodes.Distinct().Order().ToArray();
        var rng = new Random(seed);
        rng.Shuffle(rated);
        var cold = new HashSet<int>(rated.Take((int)Math.Round(rated.Length * fraction)));
        var split = ReferenceSplit.Create(log, (ulong)seed);
        return (split.Train.Where(r => !cold.Contains(itemCodes[r])).ToArray(),
            split.Test.Where(r => !cold.Contains(itemCodes[r])).ToArray(),
            Enumerable.Range(0, log.Count).Where(r => cold.Contains(itemCodes[r])).ToArray());
    }

    static TwoTowerModel Build(FittedFeatures fitted, ItemInputs items, UserInputs users, ItemArm arm, MultiModalOptions options,
        int seed, ImageStore? store, IReadOnlyList<string> paths, int missing, Dictionary<(string, string), EncodedVectors> pretrained)
    {
        var rng = new Random(seed);
        int d = options.Dimension;
        var user = new TowerOptions { Features = ["user", "history"], EmbeddingDimension = d, Hidden = [128], OutputDimension = d };
        var item = user with
        {
            Features = arm.Features,
            Encoders = arm.Encoders,
            Dimensions = new Dictionary<string, int> { ["genres"] = 16 },
            Fusion = new FusionOptions
            {
                Kind = arm.Gated ? FusionKind.Gated : FusionKind.Concat,
                MaskMissing = arm.Features.Count > 1,
                ModalityDropout = arm.Features.Count > 1 ? options.ModalityDropout : 0,
            },
        };
        IFeatureModule Poster(FeatureSpec spec, Random r) =>
            new ImageFeature(spec, store ?? throw new InvalidOperationException("No posters were loaded."), paths, missing, new ImageCnnOptions { Channels = [.. options.PosterChannels], Dimension = d }, r);
        var task = new RetrievalTask(new RetrievalOptions { Temperature = options.Temperature }, new LogQFromCounts(items.Counts), new RemoveAccidentalHits());
        IFeatureModule Frozen(FeatureSpec spec, Random r)
        {
            var vectors = pretrained[(spec.Name, arm.Encoders![spec.Name])];
            return new PretrainedFeature(spec, vectors with { Vectors = vectors.Vectors.Clone() }, d, r);
        }
        return new TwoTowerModel(fitted, EncoderTower.Create(fitted, Tower.User, user, rng), EncoderTower.Create(fitted, Tower.Item, item, rng, Poster, Frozen), task, "item")
        {
            LeaveOneOutHistories = users,
        };
    }

    /// <summary>The cold movies (numbered 0..C − 1), one interaction carrying each one's features, and each user's cold ratings.</summary>
    sealed class ColdItems
    {
        readonly EncodedData data;
        readonly int[] rowOfItem;
        readonly UserItemSets heldOut, excluded;
        readonly int userCount;

        public ColdItems(InteractionLog log, EncodedData data, int[] rows, int userCount, int seed)
        {
            this.data = data;
            this.userCount = userCount;
            var itemCodes = log.ItemCodes;
            var first = new Dictionary<int, int>();
            foreach (int r in rows) first.TryAdd(itemCodes[r], r);
            // Numbered in a seeded random order: the evaluator breaks ties by lower number, and an
            // order that followed the file (users in id order) would favour what early users rated.
            rowOfItem = first.Values.ToArray();
            new Random(seed).Shuffle(rowOfItem);
            var index = new Dictionary<int, int>();
            for (int i = 0; i < rowOfItem.Length; i++) index[itemCodes[rowOfItem[i]]] = i;
            var users = new int[rows.Length];
            var items = new int[rows.Length];
            for (int k = 0; k < rows.Length; k++) (users[k], items[k]) = (log.UserCodes[rows[k]], index[itemCodes[rows[k]]]);
            heldOut = UserItemSets.FromPairs(users, items, userCount, Count);
            excluded = UserItemSets.FromPairs([], [], userCount, Count);
        }

        public int Count => rowOfItem.Length;

        /// <summary>A fixed random order of the cold items for every user: what popularity amounts to without counts.</summary>
        public IScorer RandomOrder(int seed)
        {
            var rng = new Random(seed);
            var scores = Enumerable.Range(0, Count).Select(_ => rng.NextSingle()).ToArray();
            return new DelegateScorer(userCount, Count, (_, s) => scores.CopyTo(s));
        }

        public IReadOnlyDictionary<string, double> Evaluate(IScorer scorer, int k) =>
            RankingEvaluator.Evaluate(scorer, excluded, heldOut, new RankingOptions { K = k }).Metrics;

        public IReadOnlyDictionary<string, double> Evaluate(TwoTowerModel model, UserInputs users, int k)
        {
            var userIds = Enumerable.Range(0, users.UserCount).Where(users.HasTraining).ToArray();
            using var u = TwoTowerModel.Embed(model.User, TwoTowerModel.Chunks(userIds.Length, 1024).Select(c => users.Input(userIds.AsSpan(c.Start, c.Count))));
            using var batch = data.CreateBatch();
            using var v = TwoTowerModel.Embed(model.Item, TwoTowerModel.Chunks(Count, 1024).Select(c =>
            {
                data.Fill(batch, rowOfItem.AsSpan(c.Start, c.Count));
                return TowerInput.From(batch);
            }));
            int d = model.User.OutputDimension;
            var all = new float[userCount * d];
            for (int i = 0; i < userIds.Length; i++) u.RowSpan(i).CopyTo(all.AsSpan(userIds[i] * d, d));
            return Evaluate(new EmbeddingScorer(all, v.Span.ToArray(), d), k);
        }
    }
}
