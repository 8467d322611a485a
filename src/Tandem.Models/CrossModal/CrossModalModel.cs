using System.Diagnostics;
using Tandem.Data.Datasets;
using Tandem.Data.Schema;
using Tandem.Data.Text;
using Tandem.IO;
using Tandem.Models.Persistence;
using Tandem.Models.Tasks;
using Tandem.Models.Towers;
using Tandem.Models.Training;
using Tandem.Tensors.Autograd;
using Tandem.Tensors.Optimizers;
using Side = Tandem.Data.Schema.Tower;

namespace Tandem.Models.CrossModal;

/// <summary>How a <see cref="CrossModalModel"/> trains.</summary>
public readonly record struct CrossModalTraining
{
    /// <summary>Creates the defaults.</summary>
    public CrossModalTraining() { }
    /// <summary>Most epochs. Default 30.</summary>
    public int Epochs { get; init; } = 30;
    /// <summary>Epochs without a better validation recall before stopping (the best epoch is kept); 0: never. Default 5.</summary>
    public int Patience { get; init; } = 5;
    /// <summary>Pairs per step. Default 100.</summary>
    public int BatchSize { get; init; } = 100;
    /// <summary>Adam learning rate. Default 0.001.</summary>
    public float LearningRate { get; init; } = 0.001f;
    /// <summary>Softmax temperature of the symmetric InfoNCE. Default 0.05.</summary>
    public float Temperature { get; init; } = 0.05f;
}

/// <summary>One epoch: mean loss, validation recall (caption→image and image→caption Recall@10, averaged) and time.</summary>
public sealed record CrossModalEpoch(int Epoch, double Loss, double ValidationRecall, double Seconds);

/// <summary>
/// A caption tower and an image tower into one space (<see cref="EncoderTower"/>s, one feature
/// module each: a frozen pretrained encoder's vectors under a trained head, or a model trained from
/// scratch), trained with symmetric InfoNCE over in-batch negatives (<see cref="RetrievalTask"/>) on
/// photo–caption pairs, evaluated by ranking in both directions. A model of pretrained encoders
/// saves to a file that <see cref="Load"/> rebuilds over any pairs dataset. Not thread-safe.
/// </summary>
public sealed class CrossModalModel : IDisposable
{
    /// <summary>The caption feature: a text per row, the user (query) side.</summary>
    public static readonly FeatureSpec Caption = new("caption", "caption", FeatureKind.Text, Side.User);
    /// <summary>The image feature: a photo per row (its index in the data and its path), the item side.</summary>
    public static readonly FeatureSpec Image = new("image", "image", FeatureKind.Image, Side.Item);

    const string RecipeSection = "crossmodal-recipe";
    readonly WordTokenizer? tokenizer;
    readonly Flickr8kData data;

    /// <summary>
    /// A model over <paramref name="data"/> with <paramref name="text"/> and <paramref name="image"/> modules (for
    /// <see cref="Caption"/> and <see cref="Image"/>), each under <paramref name="hidden"/> ReLU layers and a projection
    /// to <paramref name="dimension"/>, L2-normalised; <paramref name="tokenizer"/> tokenises captions for a module trained from scratch.
    /// </summary>
    public CrossModalModel(Flickr8kData data, IFeatureModule text, IFeatureModule image, IReadOnlyList<int> hidden, int dimension, Random rng,
        WordTokenizer? tokenizer = null, CrossModalRecipe? recipe = null)
    {
        this.data = data;
        this.tokenizer = tokenizer;
        Recipe = recipe;
        var tower = new TowerOptions { Hidden = hidden, OutputDimension = dimension, L2Normalize = true };
        Text = new EncoderTower(Side.User, [text], tower, rng);
        Images = new EncoderTower(Side.Item, [image], tower, rng);
    }

    /// <summary>
    /// Score by late interaction instead of one vector per side: every caption token (its word
    /// vector, or the transformer's output) and every cell of the CNN's last feature map goes
    /// through its tower's layers and is L2-normalised, and a caption scores a photo by MaxSim
    /// (each token's best region, summed), trained caption → image. Needs a token text module and
    /// an <see cref="ImageCnn"/>. Default false.
    /// </summary>
    public bool LateInteraction { get; init; }

    /// <summary>The caption tower.</summary>
    public EncoderTower Text { get; }
    /// <summary>The image tower.</summary>
    public EncoderTower Images { get; }
    /// <summary>The recipe a pretrained model was built from (what it saves); null for models built by hand.</summary>
    public CrossModalRecipe? Recipe { get; }

    IEnumerable<Parameter> Parameters => Text.Parameters.Concat(Images.Parameters);
    IEnumerable<StateBuffer> Buffers => Text.Buffers.Concat(Images.Buffers);
    ModelState State => new([.. Parameters], [.. Buffers], []);

    /// <summary>
    /// The model <paramref name="recipe"/> describes over <paramref name="data"/>: each caption and photo
    /// embedded by the recipe's encoders through <paramref name="encoder"/> (cached), a head per side.
    /// </summary>
    /// <exception cref="TandemException">An encoder cannot be opened or an image cannot be decoded.</exception>
    public static CrossModalModel Create(CrossModalRecipe recipe, Flickr8kData data, ContentEncoder encoder)
    {
        var rng = new Random(recipe.Seed);
        var (text, image) = Modules(recipe, data, encoder, rng);
        return new CrossModalModel(data, text, image, recipe.Hidden, recipe.Dimension, rng, recipe: recipe);
    }

    static (PretrainedFeature, PretrainedFeature) Modules(CrossModalRecipe recipe, Flickr8kData data, ContentEncoder encoder, Random rng)
    {
        string[] captions = [.. data.Captions.SelectMany(c => c).Distinct(StringComparer.Ordinal)];
        var text = encoder(Caption, recipe.TextEncoder, captions, data.Directory);
        var images = encoder(Image, recipe.ImageEncoder, data.Images, data.ImageDirectory);
        // Each head projects to the shared width; the towers' hidden layers (if any) and output map follow.
        return (new PretrainedFeature(Caption, text, recipe.Dimension, rng), new PretrainedFeature(Image, images, recipe.Dimension, rng));
    }

    /// <summary>
    /// Trains on <paramref name="train"/> photos, one random caption each per epoch, keeping the epoch with the
    /// best recall on <paramref name="validation"/> (never the test photos); returns every epoch run.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancel"/> was signalled.</exception>
    public IReadOnlyList<CrossModalEpoch> Train(int[] train, int[] validation, CrossModalTraining options, int seed, ITrainingObserver? observer = null, CancellationToken cancel = default)
    {
        if (train.Length < options.BatchSize) throw new ModelException($"{train.Length} training photos make no batch of {options.BatchSize}; lower the batch size.");
        var rng = new Random(seed);
        ITask task = LateInteraction
            ? new LateInteractionTask(new RetrievalTask(new RetrievalOptions { Temperature = options.Temperature }))
            : new RetrievalTask(new RetrievalOptions { Temperature = options.Temperature, Symmetric = true });
        using var adam = new Adam(Parameters, options.LearningRate);
        using var tape = new Tape();
        var batch = new CandidateBatch();
        var epochs = new List<CrossModalEpoch>();
        var order = train.ToArray();
        ModelSnapshot? best = null;
        double bestRecall = double.NegativeInfinity;
        int sinceBest = 0;
        try
        {
            for (int epoch = 1; epoch <= options.Epochs; epoch++)
            {
                var clock = Stopwatch.StartNew();
                rng.Shuffle(order);
                int pairs = order.Length / options.BatchSize * options.BatchSize;
                observer?.OnEpochStart(epoch, options.Epochs, pairs);
                double sum = 0;
                int steps = 0;
                // Whole batches only: a short last batch would give its rows fewer negatives.
                for (int start = 0; start + options.BatchSize <= order.Length; start += options.BatchSize)
                {
                    cancel.ThrowIfCancellationRequested();
                    var photos = order.AsSpan(start, options.BatchSize).ToArray();
                    var captions = photos.Select(p => data.Captions[p][rng.Next(data.Captions[p].Length)]).ToArray();
                    tape.Reset();
                    adam.ZeroGrad();
                    var (queries, counts) = Captions(tape, captions, training: true);
                    var candidates = Photos(tape, photos, training: true);
                    batch.Reset(photos.Length, photos.Length);
                    photos.CopyTo(batch.Items, 0);
                    batch.QueryCounts = counts;
                    var loss = task.Loss(tape, queries, candidates, batch);
                    tape.Backward(loss);
                    adam.Step();
                    sum += loss.Value[0];
                    steps++;
                    observer?.OnStep(loss.Value[0], photos.Length);
                }
                var (toImage, toCaption) = Evaluate(validation);
                double recall = (toImage.RecallAt10 + toCaption.RecallAt10) / 2;
                epochs.Add(new CrossModalEpoch(epoch, sum / steps, recall, clock.Elapsed.TotalSeconds));
                observer?.OnEpochEnd(new EpochRecord
                {
                    Epoch = epoch, Loss = sum / steps, Examples = pairs, Seconds = clock.Elapsed.TotalSeconds,
                    Validation = new Dictionary<string, double> { ["recall@10"] = recall },
                });
                if (recall > bestRecall)
                {
                    (bestRecall, sinceBest) = (recall, 0);
                    best?.Dispose();
                    best = ModelSnapshot.Of(State);
                }
                else if (options.Patience > 0 && ++sinceBest >= options.Patience) break;
            }
            best?.CopyTo(State);
        }
        finally
        {
            best?.Dispose();
        }
        return epochs;
    }

    /// <summary>
    /// The score of every caption of <paramref name="photos"/> (the photos' captions in order, a photo's
    /// consecutive) against every one of the photos, [captions, photos], and the photo of each caption.
    /// </summary>
    public (float[,] Scores, int[] Owner) Scores(int[] photos)
    {
        var captions = new List<string>();
        var owner = new List<int>();
        for (int i = 0; i < photos.Length; i++)
            foreach (var c in data.Captions[photos[i]]) { captions.Add(c); owner.Add(i); }
        using var tape = new Tape();
        using var _ = tape.NoGrad();
        var (q, counts) = Captions(tape, [.. captions], training: false);
        var v = Photos(tape, photos, training: false);
        var s = LateInteraction
            ? tape.MaxSim(Sets(tape, q, captions.Count), counts, Sets(tape, v, photos.Length), default).Value
            : tape.MatMul(q, v, transB: true).Value;
        var scores = new float[captions.Count, photos.Length];
        for (int c = 0; c < captions.Count; c++)
            for (int i = 0; i < photos.Length; i++) scores[c, i] = s[c, i];
        return (scores, [.. owner]);
    }

    /// <summary>Caption → image and image → caption metrics over <paramref name="photos"/> and all their captions.</summary>
    public (CrossModalMetrics CaptionToImage, CrossModalMetrics ImageToCaption) Evaluate(int[] photos) => Evaluate(photos, Scores(photos).Scores);

    /// <summary>
    /// Caption → image and image → caption metrics of <paramref name="scores"/> ([captions, photos] as
    /// <see cref="Scores"/> gives them, from this model or any other, e.g. a re-ranking).
    /// </summary>
    public (CrossModalMetrics CaptionToImage, CrossModalMetrics ImageToCaption) Evaluate(int[] photos, float[,] scores)
    {
        var owner = new List<int>();
        var first = new int[photos.Length]; // a photo's captions are consecutive
        for (int i = 0; i < photos.Length; i++)
        {
            first[i] = owner.Count;
            foreach (var _ in data.Captions[photos[i]]) owner.Add(i);
        }
        var row = new float[photos.Length];
        var toImage = new List<int[]>();
        for (int c = 0; c < owner.Count; c++)
        {
            for (int i = 0; i < photos.Length; i++) row[i] = scores[c, i];
            toImage.Add(CrossModalMetrics.Ranks(row, [owner[c]]));
        }
        var toCaption = new List<int[]>();
        var column = new float[owner.Count];
        for (int i = 0; i < photos.Length; i++)
        {
            for (int c = 0; c < owner.Count; c++) column[c] = scores[c, i];
            toCaption.Add(CrossModalMetrics.Ranks(column, Enumerable.Range(first[i], data.Captions[photos[i]].Length).ToArray()));
        }
        return (CrossModalMetrics.FromRanks(toImage), CrossModalMetrics.FromRanks(toCaption));
    }

    /// <summary>The caption tower's vectors of <paramref name="captions"/>, row-major [captions, dimension].</summary>
    public float[] EmbedCaptions(string[] captions) => Embed(Text, CaptionInput(captions));

    /// <summary>The image tower's vectors of <paramref name="photos"/> (indices into the data), row-major [photos, dimension].</summary>
    public float[] EmbedPhotos(int[] photos) => Embed(Images, PhotoInput(photos));

    static float[] Embed(EncoderTower tower, TowerInput input)
    {
        using var tape = new Tape();
        using var _ = tape.NoGrad();
        return tower.Forward(tape, input, training: false).Value.Span.ToArray();
    }

    /// <summary>What a random ranking scores on <paramref name="photos"/>: caption → image, and image → caption averaged over the photos' caption counts.</summary>
    public static (CrossModalMetrics CaptionToImage, CrossModalMetrics ImageToCaption) Chance(Flickr8kData data, int[] photos)
    {
        int captions = photos.Sum(i => data.Captions[i].Length);
        return (CrossModalMetrics.Chance(photos.Length, 1),
            CrossModalMetrics.Summarise(photos.Select(i => CrossModalMetrics.Chance(captions, data.Captions[i].Length)).ToArray()).Mean);
    }

    /// <summary>
    /// The captions' vectors: one row each, or with <see cref="LateInteraction"/> one set of L rows each
    /// ([count·L, d], L the longest caption's tokens) and how many of each set are tokens (the rest padding).
    /// </summary>
    (Variable Vectors, int[] Counts) Captions(Tape tape, string[] captions, bool training)
    {
        var input = CaptionInput(captions);
        if (!LateInteraction) return (Text.Forward(tape, input, training), []);
        var module = Text.Modules[0] as ITokenModule
            ?? throw new ModelException($"Late interaction needs a caption module with one vector per token; {Text.Modules[0].GetType().Name} gives one per caption.");
        var (tokens, offsets) = module.EncodeTokens(tape, input, training);
        var counts = new int[captions.Length];
        int longest = 1;
        for (int b = 0; b < counts.Length; b++) longest = Math.Max(longest, counts[b] = offsets[b + 1] - offsets[b]);
        if (offsets[^1] == 0) throw new ModelException("Late interaction: none of the captions has a token the vocabulary knows; an empty caption has no vectors to match.");
        // Padded [count·L] rows: token t of caption b, or any real row where the caption is shorter (masked by the counts).
        var rows = new int[captions.Length * longest];
        for (int b = 0; b < counts.Length; b++)
            for (int t = 0; t < longest; t++) rows[b * longest + t] = t < counts[b] ? offsets[b] + t : 0;
        return (tape.Embedding(Text.Head(tape, tokens, training), rows), counts);
    }

    /// <summary>The photos' vectors: one row each, or with <see cref="LateInteraction"/> one per cell of the CNN's last feature map.</summary>
    Variable Photos(Tape tape, int[] photos, bool training)
    {
        if (!LateInteraction) return Images.Forward(tape, PhotoInput(photos), training);
        var cnn = Images.Modules[0] as ImageCnn
            ?? throw new ModelException($"Late interaction needs the image CNN's feature-map cells; {Images.Modules[0].GetType().Name} gives one vector per photo.");
        return Images.Head(tape, cnn.EncodeRegions(tape, photos, training), training);
    }

    /// <summary>[n·L, d] rows as n sets of L.</summary>
    static Variable Sets(Tape tape, Variable x, int n) => tape.Reshape(x, n, x.Rows / n, x.Cols);

    /// <summary>The captions as the caption feature: the texts, and their tokens when a tokenizer is set.</summary>
    TowerInput CaptionInput(string[] captions)
    {
        var input = new FeatureInput { Texts = captions };
        if (tokenizer is not null)
        {
            var ids = new List<int>();
            var ends = new List<int> { 0 };
            var lengths = new int[captions.Length];
            for (int i = 0; i < captions.Length; i++) lengths[i] = tokenizer.Tokenize(captions[i], Caption.MaxLength, ids, ends);
            input = new FeatureInput { Ids = [.. ids], Offsets = [.. ends], Lengths = lengths, Texts = captions };
        }
        return new TowerInput(captions.Length, new() { [Caption.Name] = input });
    }

    /// <summary>The photos as the image feature: their indices (an image store's rows) and paths (a pretrained encoder's keys).</summary>
    TowerInput PhotoInput(int[] photos) =>
        new(photos.Length, new() { [Image.Name] = new FeatureInput { Ids = photos, Texts = [.. photos.Select(p => data.Images[p])] } });

    /// <summary>Writes the recipe and the heads' parameters (the Tandem container, atomically); the encoders' vectors are not saved.</summary>
    /// <exception cref="ModelException">The model was not built from a recipe (a module trained from scratch cannot be rebuilt).</exception>
    public void Save(string path)
    {
        if (Recipe is null) throw new ModelException("Only a cross-modal model built from a recipe (pretrained encoders on both sides) can be saved.");
        var writer = new TandemFileWriter(TandemFileKind.Model);
        writer.AddJson(RecipeSection, Recipe);
        ParameterSections.Write(writer, Parameters);
        ParameterSections.Write(writer, Buffers);
        writer.Save(path);
    }

    /// <summary>Whether the model file at <paramref name="path"/> is a cross-modal model.</summary>
    /// <exception cref="TandemFileException">The file is missing, corrupt or not a model file.</exception>
    public static bool IsCrossModal(string path)
    {
        using var reader = TandemFileReader.Open(path, TandemFileKind.Model);
        return reader.Contains(RecipeSection);
    }

    /// <summary>The model saved at <paramref name="path"/>, over <paramref name="data"/> (any pairs dataset): its captions and photos embedded by the saved encoders through <paramref name="encoder"/>.</summary>
    /// <exception cref="TandemFileException">The file is missing, corrupt, not a cross-modal model, or its parameters do not fit.</exception>
    public static CrossModalModel Load(string path, Flickr8kData data, ContentEncoder encoder)
    {
        using var reader = TandemFileReader.Open(path, TandemFileKind.Model);
        if (!reader.Contains(RecipeSection)) FileThrow.Corrupt(path, "it is a two-tower model, not a cross-modal one; evaluate it without --pairs");
        var recipe = reader.ReadJson<CrossModalRecipe>(RecipeSection);
        var model = Create(recipe, data, encoder);
        ParameterSections.Read(reader, model.Parameters);
        ParameterSections.Read(reader, model.Buffers);
        return model;
    }

    /// <summary>Returns the frozen tables' buffers.</summary>
    public void Dispose()
    {
        foreach (var m in Text.Modules.Concat(Images.Modules)) (m as IDisposable)?.Dispose();
    }
}
