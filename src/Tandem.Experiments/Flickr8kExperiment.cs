using Tandem.Models.CrossModal;
using Tandem.Models;
using System.Diagnostics;
using Tandem.Data.Datasets;
using Tandem.Data.Schema;
using Tandem.Data.Text;
using Tandem.Data.Images;
using Tandem.IO;
using Tandem.Experiments;
using Tandem.Models.Training;
using Tandem.Models.Tasks;
using Tandem.Models.Towers;
using Tandem.Tensors.Autograd;
using Tandem.Tensors.Optimizers;

namespace Tandem.Experiments;

/// <summary>Options of the <see cref="Flickr8kExperiment"/>.</summary>
public readonly record struct Flickr8kOptions
{
    /// <summary>Creates the defaults.</summary>
    public Flickr8kOptions() { }
    /// <summary>Folder holding flickr8k-1k/ (else TANDEM_DATA, else the cache folder).</summary>
    public string? DataDir { get; init; }
    /// <summary>One run per seed: the split, initialisation and batches. Default 42, 43, 44.</summary>
    public IReadOnlyList<int> Seeds { get; init; } = [42, 43, 44];
    /// <summary>Training epochs, each one pass over the training photos with one random caption each. Default 20.</summary>
    public int Epochs { get; init; } = 20;
    /// <summary>Photo–caption pairs per step; the other pairs of the batch are the negatives. Default 50.</summary>
    public int BatchSize { get; init; } = 50;
    /// <summary>Adam learning rate. Default 0.003.</summary>
    public float LearningRate { get; init; } = 0.003f;
    /// <summary>Softmax temperature of the symmetric InfoNCE. Default 0.07.</summary>
    public float Temperature { get; init; } = 0.07f;
    /// <summary>Photos are resized to this square. Default 32.</summary>
    public int ImageSize { get; init; } = 32;
    /// <summary>The image tower's CNN (its projection width is the tower's input). Default 16, 32, 64 channels.</summary>
    public ImageCnnOptions Cnn { get; init; } = new();
    /// <summary>The text tower's encoder: a bag of word embeddings (default) or a small transformer.</summary>
    public TextOptions Text { get; init; } = new();
    /// <summary>Width of the shared embedding space and of the word embeddings. Default 64.</summary>
    public int Dimension { get; init; } = 64;
    /// <summary>Where decoded photos are cached between runs; null keeps them in memory only.</summary>
    public string? ImageCache { get; init; }
    /// <summary>A pretrained encoder of the captions (e.g. minilm) instead of a text tower trained from scratch; null: from scratch.</summary>
    public string? TextEncoder { get; init; }
    /// <summary>A pretrained encoder of the photos (e.g. resnet18) instead of the CNN trained from scratch; null: from scratch.</summary>
    public string? ImageEncoder { get; init; }
    /// <summary>Hidden ReLU layers of both towers' heads; empty: linear. Default none.</summary>
    public IReadOnlyList<int> Hidden { get; init; } = [];
    /// <summary>Epochs without a better validation recall before a seed stops (the best epoch is kept); 0: run every epoch. Default 0.</summary>
    public int Patience { get; init; }
    /// <summary>
    /// Also train, per seed, the same modules scored by late interaction (<see cref="CrossModalModel.LateInteraction"/>:
    /// caption words against the CNN's feature-map cells by MaxSim, trained caption → image), and re-rank the
    /// single-vector model's top <see cref="RerankDepth"/> photos per caption by its MaxSim. From scratch only. Default false.
    /// </summary>
    public bool LateInteraction { get; init; }
    /// <summary>Photos per caption the late-interaction model re-ranks from the single-vector ranking. Default 50.</summary>
    public int RerankDepth { get; init; } = 50;
    /// <summary>Embeds captions and photos for the pretrained encoders (Tandem.Pretrained's FeatureCache.Encoder); needed when one is set.</summary>
    public ContentEncoder? Encoder { get; init; }
    /// <summary>When above 0, a cross-encoder re-ranks each test caption's top this many photos after training (<see cref="Flickr8kRerank"/>). Default 0.</summary>
    public int RerankTop { get; init; }
    /// <summary>The cross-encoder of <see cref="RerankTop"/>.</summary>
    public Tandem.Models.Reranking.CrossEncoderOptions CrossEncoder { get; init; } = new();
}

/// <summary>One seed's test metrics in both directions, its training curve, the epoch kept (best validation recall) and its time; with late interaction, that model's too; with a cross-encoder, its re-ranking.</summary>
public sealed record Flickr8kRun(int Seed, CrossModalMetrics CaptionToImage, CrossModalMetrics ImageToCaption, IReadOnlyList<double> EpochLoss, double Seconds, int BestEpoch = 0,
    LateInteractionRun? Late = null, Flickr8kRerankRun? Rerank = null);

/// <summary>
/// One seed's late-interaction model: caption → image metrics of MaxSim over every test photo and of the
/// single-vector ranking's top photos re-ranked by MaxSim, the epoch kept, its time, and how many
/// captions had more tokens than the caption feature keeps (truncated).
/// </summary>
public sealed record LateInteractionRun(CrossModalMetrics MaxSim, CrossModalMetrics Reranked, int BestEpoch, double Seconds, int Truncated);

/// <summary>The photos and captions, their decoded images (for a CNN trained from scratch) and their pretrained vectors (when encoders are set).</summary>
public sealed record Flickr8kInputs(Flickr8kData Data, ImageStore? Images, EncodedVectors? Captions, EncodedVectors? Photos);

/// <summary>Every seed's run and what a random ranking would score on the same test set.</summary>
public sealed record Flickr8kResult(IReadOnlyList<Flickr8kRun> Runs, CrossModalMetrics ChanceCaptionToImage, CrossModalMetrics ChanceImageToCaption, int TestImages, int TestCaptions);

/// <summary>
/// Issues 7 and 15: cross-modal retrieval on flickr8k-1k. Per seed, a seeded 800/100/100 photo
/// split; a text tower (<see cref="TextBag"/> or <see cref="TextTransformer"/> over words of a vocabulary
/// fitted on the training captions, or a frozen pretrained encoder's vectors, <see cref="PretrainedFeature"/>)
/// and an image tower (<see cref="ImageCnn"/>, or a pretrained encoder's vectors), each → head → L2, trained together
/// (<see cref="CrossModalModel"/>) with symmetric InfoNCE over in-batch negatives, the epoch kept by
/// validation recall; then every test caption ranks the test photos and every test photo ranks the test captions.
/// Not thread-safe: one experiment per thread.
/// </summary>
public static class Flickr8kExperiment
{
    /// <summary>Runs every seed on the data <see cref="Prepare"/> loads; <paramref name="observer"/> sees each seed's epochs in turn.</summary>
    /// <exception cref="Data.DataException">The dataset is missing or malformed.</exception>
    /// <exception cref="ImageException">A photo is missing or undecodable.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancel"/> was signalled.</exception>
    public static Flickr8kResult Run(Flickr8kOptions options, ITrainingObserver? observer = null, CancellationToken cancel = default)
    {
        var inputs = Prepare(options, cancel: cancel);
        return Summarise(inputs.Data, options, options.Seeds.Select(seed => RunSeed(inputs, options, seed, observer, cancel)).ToArray());
    }

    /// <summary>
    /// Loads the captions; decodes every photo once for a CNN trained from scratch (from <see cref="Flickr8kOptions.ImageCache"/> when it is current),
    /// and embeds captions and photos with the pretrained encoders set (through <see cref="Flickr8kOptions.Encoder"/>'s cache); <paramref name="decoded"/> counts photos.
    /// </summary>
    /// <exception cref="Data.DataException">The dataset is missing or malformed, or the options are.</exception>
    /// <exception cref="ImageException">A photo is missing or undecodable.</exception>
    public static Flickr8kInputs Prepare(Flickr8kOptions options, IProgress<int>? decoded = null, CancellationToken cancel = default)
    {
        if (options.Seeds.Count == 0 || options.Epochs < 1 || options.BatchSize < 2)
            throw new ModelException($"The Flickr8k experiment needs seeds, at least one epoch and batches of at least 2; got {options.Seeds.Count} seeds, {options.Epochs} epochs, batch {options.BatchSize}.");
        if ((options.TextEncoder ?? options.ImageEncoder) is not null && options.Encoder is null)
            throw new ModelException("The Flickr8k experiment's pretrained encoders need Flickr8kOptions.Encoder (Tandem.Pretrained's FeatureCache.Encoder).");
        var data = Flickr8k.Load(options.DataDir);
        var images = options.ImageEncoder is not null ? null
            : ImageStore.Build(Enumerable.Range(0, data.Images.Count).Select(i => new ImageSource(data.Images[i], data.ImagePath(i))).ToArray(),
                new ImageOptions { Size = options.ImageSize }, options.ImageCache, decoded, cancel);
        var captions = options.TextEncoder is { } text
            ? options.Encoder!(CrossModalModel.Caption, text, [.. data.Captions.SelectMany(c => c).Distinct(StringComparer.Ordinal)], data.Directory) : null;
        var photos = options.ImageEncoder is { } image ? options.Encoder!(CrossModalModel.Image, image, data.Images, data.ImageDirectory) : null;
        return new Flickr8kInputs(data, images, captions, photos);
    }

    /// <summary>The runs with what a random ranking scores on the same test set (image → caption: averaged over the photos' caption counts).</summary>
    public static Flickr8kResult Summarise(Flickr8kData data, Flickr8kOptions options, IReadOnlyList<Flickr8kRun> runs)
    {
        var (_, _, test) = data.Split(options.Seeds[0]);
        var (toImage, toCaption) = CrossModalModel.Chance(data, test);
        return new Flickr8kResult(runs, toImage, toCaption, test.Length, test.Sum(i => data.Captions[i].Length));
    }

    /// <summary>Trains one seed's towers (the epoch kept by validation recall) and evaluates them on its test photos; <paramref name="observer"/> sees its epochs and steps.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancel"/> was signalled.</exception>
    public static Flickr8kRun RunSeed(Flickr8kInputs inputs, Flickr8kOptions options, int seed, ITrainingObserver? observer = null, CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        var data = inputs.Data;
        var (train, validation, test) = data.Split(seed);
        var rng = new Random(seed);
        var tokenizer = inputs.Captions is null ? WordTokenizer.Fit(train.SelectMany(i => data.Captions[i]), minCount: 1, charNGrams: 0, buckets: 0) : null;
        IFeatureModule words = inputs.Captions is { } c
            ? new PretrainedFeature(CrossModalModel.Caption, c with { Vectors = c.Vectors.Clone() }, options.Dimension, rng)
            : options.Text.Encoding == TextEncoding.Transformer
                ? new TextTransformer(CrossModalModel.Caption, tokenizer!.Cardinality, options.Dimension, options.Text, rng, sparse: false)
                : new TextBag(CrossModalModel.Caption, tokenizer!.Cardinality, options.Dimension, rng, sparse: false);
        IFeatureModule vision = inputs.Photos is { } p
            ? new PretrainedFeature(CrossModalModel.Image, p with { Vectors = p.Vectors.Clone() }, options.Dimension, rng)
            : new ImageCnn(CrossModalModel.Image, inputs.Images!, options.Cnn, rng);
        using var model = new CrossModalModel(data, words, vision, options.Hidden, options.Dimension, rng, tokenizer);
        var training = new CrossModalTraining
        {
            Epochs = options.Epochs, Patience = options.Patience, BatchSize = options.BatchSize,
            LearningRate = options.LearningRate, Temperature = options.Temperature,
        };
        var epochs = model.Train(train, validation, training, seed, observer, cancel);
        var (toImage, toCaption) = model.Evaluate(test);
        int best = epochs.MaxBy(e => e.ValidationRecall)!.Epoch;
        double seconds = clock.Elapsed.TotalSeconds;
        var rerank = options.RerankTop > 0 ? Flickr8kRerank.Run(model, inputs, seed, options.RerankTop, options.CrossEncoder, cancel) : null;
        var late = options.LateInteraction ? RunLate(inputs, options, seed, tokenizer, model, train, validation, test, training, observer, cancel) : null;
        return new Flickr8kRun(seed, toImage, toCaption, [.. epochs.Select(e => e.Loss)], seconds, best, late, rerank);
    }

    /// <summary>The late-interaction model of one seed: the same kinds of modules, initialised alike, scored by MaxSim; and the re-ranking of <paramref name="single"/>'s top photos.</summary>
    static LateInteractionRun RunLate(Flickr8kInputs inputs, Flickr8kOptions options, int seed, WordTokenizer? tokenizer, CrossModalModel single,
        int[] train, int[] validation, int[] test, CrossModalTraining training, ITrainingObserver? observer, CancellationToken cancel)
    {
        if (tokenizer is null || inputs.Images is null)
            throw new ModelException("Late interaction matches caption words against the CNN's feature-map cells, so it trains from scratch; leave out the pretrained encoders.");
        var clock = Stopwatch.StartNew();
        var data = inputs.Data;
        var rng = new Random(seed);
        IFeatureModule words = options.Text.Encoding == TextEncoding.Transformer
            ? new TextTransformer(CrossModalModel.Caption, tokenizer.Cardinality, options.Dimension, options.Text, rng, sparse: false)
            : new TextBag(CrossModalModel.Caption, tokenizer.Cardinality, options.Dimension, rng, sparse: false);
        using var model = new CrossModalModel(data, words, new ImageCnn(CrossModalModel.Image, inputs.Images, options.Cnn, rng), options.Hidden, options.Dimension, rng, tokenizer)
        {
            LateInteraction = true,
        };
        var epochs = model.Train(train, validation, training, seed, observer, cancel);
        var maxSim = model.Scores(test).Scores;
        var reranked = Rerank(single.Scores(test).Scores, maxSim, options.RerankDepth);
        var ids = new List<int>();
        var ends = new List<int> { 0 };
        int truncated = data.Captions.SelectMany(c => c).Count(c => tokenizer.Tokenize(c, int.MaxValue, ids, ends) > CrossModalModel.Caption.MaxLength);
        return new LateInteractionRun(model.Evaluate(test, maxSim).CaptionToImage, model.Evaluate(test, reranked).CaptionToImage,
            epochs.MaxBy(e => e.ValidationRecall)!.Epoch, clock.Elapsed.TotalSeconds, truncated);
    }

    /// <summary>
    /// Per caption (row), the <paramref name="depth"/> best photos by <paramref name="first"/> ordered by
    /// <paramref name="second"/>, ahead of the rest in <paramref name="first"/>'s order: a two-stage ranking.
    /// </summary>
    public static float[,] Rerank(float[,] first, float[,] second, int depth)
    {
        int rows = first.GetLength(0), cols = first.GetLength(1);
        var result = new float[rows, cols];
        var order = new int[cols];
        var keys = new float[cols];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++) { order[c] = c; keys[c] = -first[r, c]; }
            Array.Sort(keys, order);
            // Ranks, not scores: the re-ranked block first (by the second score), then the rest in the first order.
            var top = order.Take(Math.Min(depth, cols)).OrderByDescending(c => second[r, c]).ToArray();
            for (int k = 0; k < top.Length; k++) result[r, top[k]] = cols - k;
            for (int k = top.Length; k < cols; k++) result[r, order[k]] = cols - k;
        }
        return result;
    }
}
