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
using Side = Tandem.Data.Schema.Tower;

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
}

/// <summary>One seed's test metrics in both directions and its training curve.</summary>
public sealed record Flickr8kRun(int Seed, CrossModalMetrics CaptionToImage, CrossModalMetrics ImageToCaption, IReadOnlyList<double> EpochLoss, double Seconds);

/// <summary>Every seed's run and what a random ranking would score on the same test set.</summary>
public sealed record Flickr8kResult(IReadOnlyList<Flickr8kRun> Runs, CrossModalMetrics ChanceCaptionToImage, CrossModalMetrics ChanceImageToCaption, int TestImages, int TestCaptions);

/// <summary>
/// Issue 7, experiment 1: cross-modal retrieval on flickr8k-1k. Per seed, a seeded 800/100/100 photo
/// split; a text tower (<see cref="TextBag"/> or <see cref="TextTransformer"/> over words of a vocabulary
/// fitted on the training captions → linear → L2) and an image tower (<see cref="ImageCnn"/> → linear → L2) trained together with
/// symmetric InfoNCE over in-batch negatives (<see cref="RetrievalTask"/>); then every test caption
/// ranks the test photos and every test photo ranks the test captions.
/// Not thread-safe: one experiment per thread.
/// </summary>
public static class Flickr8kExperiment
{
    static readonly FeatureSpec Caption = new("caption", "caption", FeatureKind.Text, Side.User);
    static readonly FeatureSpec Photo = new("image", "image", FeatureKind.Image, Side.Item);

    /// <summary>Runs every seed on the data <see cref="Prepare"/> loads; <paramref name="observer"/> sees each seed's epochs in turn.</summary>
    /// <exception cref="Data.DataException">The dataset is missing or malformed.</exception>
    /// <exception cref="ImageException">A photo is missing or undecodable.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancel"/> was signalled.</exception>
    public static Flickr8kResult Run(Flickr8kOptions options, ITrainingObserver? observer = null, CancellationToken cancel = default)
    {
        var (data, images) = Prepare(options, cancel: cancel);
        return Summarise(data, options, options.Seeds.Select(seed => RunSeed(data, images, options, seed, observer, cancel)).ToArray());
    }

    /// <summary>Loads the captions and decodes every photo once (from <see cref="Flickr8kOptions.ImageCache"/> when it is current); <paramref name="decoded"/> counts photos.</summary>
    /// <exception cref="Data.DataException">The dataset is missing or malformed, or the options are.</exception>
    /// <exception cref="ImageException">A photo is missing or undecodable.</exception>
    public static (Flickr8kData Data, ImageStore Images) Prepare(Flickr8kOptions options, IProgress<int>? decoded = null, CancellationToken cancel = default)
    {
        if (options.Seeds.Count == 0 || options.Epochs < 1 || options.BatchSize < 2)
            throw new ModelException($"The Flickr8k experiment needs seeds, at least one epoch and batches of at least 2; got {options.Seeds.Count} seeds, {options.Epochs} epochs, batch {options.BatchSize}.");
        var data = Flickr8k.Load(options.DataDir);
        var images = ImageStore.Build(Enumerable.Range(0, data.Images.Count).Select(i => new ImageSource(data.Images[i], data.ImagePath(i))).ToArray(),
            new ImageOptions { Size = options.ImageSize }, options.ImageCache, decoded, cancel);
        return (data, images);
    }

    /// <summary>The runs with what a random ranking scores on the same test set (image → caption: averaged over the photos' caption counts).</summary>
    public static Flickr8kResult Summarise(Flickr8kData data, Flickr8kOptions options, IReadOnlyList<Flickr8kRun> runs)
    {
        var (_, _, test) = data.Split(options.Seeds[0]);
        int captions = test.Sum(i => data.Captions[i].Length);
        var toCaption = CrossModalMetrics.Summarise(test.Select(i => CrossModalMetrics.Chance(captions, data.Captions[i].Length)).ToArray()).Mean;
        return new Flickr8kResult(runs, CrossModalMetrics.Chance(test.Length, 1), toCaption, test.Length, captions);
    }

    /// <summary>Trains and evaluates one seed's towers; <paramref name="observer"/> sees its epochs and steps.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancel"/> was signalled.</exception>
    public static Flickr8kRun RunSeed(Flickr8kData data, ImageStore images, Flickr8kOptions options, int seed, ITrainingObserver? observer = null, CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        var (train, _, test) = data.Split(seed);
        var rng = new Random(seed);
        var tokenizer = WordTokenizer.Fit(train.SelectMany(i => data.Captions[i]), minCount: 1, charNGrams: 0, buckets: 0);
        var tower = new TowerOptions { Hidden = [], OutputDimension = options.Dimension, L2Normalize = true };
        IFeatureModule words = options.Text.Encoding == TextEncoding.Transformer
            ? new TextTransformer(Caption, tokenizer.Cardinality, options.Dimension, options.Text, rng, sparse: false)
            : new TextBag(Caption, tokenizer.Cardinality, options.Dimension, rng, sparse: false);
        var text = new EncoderTower(Side.User, [words], tower, rng);
        var vision = new EncoderTower(Side.Item, [new ImageCnn(Photo, images, options.Cnn, rng)], tower, rng);
        var task = new RetrievalTask(new RetrievalOptions { Temperature = options.Temperature, Symmetric = true });
        using var adam = new Adam(text.Parameters.Concat(vision.Parameters), options.LearningRate);
        using var tape = new Tape();
        var batch = new CandidateBatch();
        var losses = new List<double>();
        var order = train.ToArray();
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            rng.Shuffle(order);
            var epochClock = Stopwatch.StartNew();
            int pairs = order.Length / options.BatchSize * options.BatchSize;
            observer?.OnEpochStart(epoch + 1, options.Epochs, pairs);
            double sum = 0;
            int steps = 0;
            // Whole batches only: a short last batch would give its rows fewer negatives.
            for (int start = 0; start + options.BatchSize <= order.Length; start += options.BatchSize)
            {
                cancel.ThrowIfCancellationRequested();
                var photos = order.AsSpan(start, options.BatchSize);
                var captions = new string[photos.Length];
                for (int i = 0; i < photos.Length; i++) captions[i] = data.Captions[photos[i]][rng.Next(data.Captions[photos[i]].Length)];
                tape.Reset();
                adam.ZeroGrad();
                var queries = text.Forward(tape, TextInput(tokenizer, captions), training: true);
                var candidates = vision.Forward(tape, ImageInput(photos), training: true);
                batch.Reset(photos.Length, photos.Length);
                photos.CopyTo(batch.Items);
                var loss = task.Loss(tape, queries, candidates, batch);
                tape.Backward(loss);
                adam.Step();
                sum += loss.Value[0];
                steps++;
                observer?.OnStep(loss.Value[0], photos.Length);
            }
            losses.Add(sum / steps);
            observer?.OnEpochEnd(new EpochRecord { Epoch = epoch + 1, Loss = sum / steps, Examples = pairs, Seconds = epochClock.Elapsed.TotalSeconds });
        }
        var (toImage, toCaption) = Evaluate(data, test, tokenizer, text, vision, tape);
        return new Flickr8kRun(seed, toImage, toCaption, losses, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Caption → image and image → caption metrics on <paramref name="test"/>, with the towers in eval mode.</summary>
    static (CrossModalMetrics, CrossModalMetrics) Evaluate(Flickr8kData data, int[] test, WordTokenizer tokenizer, EncoderTower text, EncoderTower vision, Tape tape)
    {
        var captions = new List<string>();
        var owner = new List<int>();
        for (int i = 0; i < test.Length; i++)
            foreach (var c in data.Captions[test[i]]) { captions.Add(c); owner.Add(i); }
        tape.Reset();
        using var _ = tape.NoGrad();
        var q = text.Forward(tape, TextInput(tokenizer, captions.ToArray()), training: false);
        var v = vision.Forward(tape, ImageInput(test), training: false);
        var scores = tape.MatMul(q, v, transB: true).Value; // [captions, photos]
        var toImage = new List<int[]>();
        for (int c = 0; c < captions.Count; c++) toImage.Add(CrossModalMetrics.Ranks(scores.RowSpan(c), [owner[c]]));
        var toCaption = new List<int[]>();
        var column = new float[captions.Count];
        for (int i = 0; i < test.Length; i++)
        {
            for (int c = 0; c < captions.Count; c++) column[c] = scores[c, i];
            toCaption.Add(CrossModalMetrics.Ranks(column, Enumerable.Range(0, captions.Count).Where(c => owner[c] == i).ToArray()));
        }
        var result = (CrossModalMetrics.FromRanks(toImage), CrossModalMetrics.FromRanks(toCaption));
        tape.Reset();
        return result;
    }

    /// <summary>The captions as a text feature: per-caption token counts, token boundaries into the ids, the ids.</summary>
    static TowerInput TextInput(WordTokenizer tokenizer, string[] captions)
    {
        var ids = new List<int>();
        var ends = new List<int> { 0 };
        var lengths = new int[captions.Length];
        for (int i = 0; i < captions.Length; i++) lengths[i] = tokenizer.Tokenize(captions[i], Caption.MaxLength, ids, ends);
        return new TowerInput(captions.Length, new() { [Caption.Name] = new FeatureInput { Ids = [.. ids], Offsets = [.. ends], Lengths = lengths } });
    }

    static TowerInput ImageInput(ReadOnlySpan<int> photos) =>
        new(photos.Length, new() { [Photo.Name] = new FeatureInput { Ids = photos.ToArray() } });
}
