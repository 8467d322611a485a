using System.Text.Json;
using System.Text.Json.Serialization;
using Tandem.Data.Datasets;
using Tandem.Data.Encoders;
using Tandem.Data.Schema;
using Tandem.Models.Tasks;
using Tandem.Models.Towers;
using Tandem.Models.Training;
using Tandem.Models.Tuning;
using Tandem.Tensors;
using Side = Tandem.Data.Schema.Tower;

namespace Tandem.Models.Recipes;

/// <summary>What a model trains on: a named dataset, or a schema file over data files.</summary>
public sealed record DataRecipe
{
    /// <summary>A named dataset (e.g. <c>ml-latest-small</c>, <c>ml-100k</c>, <c>criteo</c>); not with <see cref="Schema"/>. Default: ml-latest-small when there is no schema.</summary>
    public string? Dataset { get; init; }
    /// <summary>A schema file (docs/data.md) naming the columns and features of any data; relative to the config's folder.</summary>
    public string? Schema { get; init; }
    /// <summary>Data files for <see cref="Schema"/>, overriding the schema's own <c>"data"</c>; relative to the config's folder.</summary>
    public DataFiles? Files { get; init; }
    /// <summary>Skip malformed rows, counting them, instead of stopping at the first. Default false.</summary>
    public bool SkipBadRows { get; init; }
    /// <summary>If positive, the minimum training count of every id and categorical value (rarer ones share the out-of-vocabulary row), overriding the schema's. Default 0: the schema's.</summary>
    public int MinCount { get; init; }
    /// <summary>If set, the transform of every numeric feature, overriding the schema's (e.g. <c>logSquared</c>, Criteo's bucketing). Default null: the schema's.</summary>
    public NumericTransform? Numeric { get; init; }
    /// <summary>Rankers: where click labels come from. Default the schema's label column.</summary>
    public ClickSource Clicks { get; init; } = ClickSource.Label;
    /// <summary>Rankers with <see cref="ClickSource.Implicit"/> clicks: non-clicks sampled per click (seeded by the split's seed). Default 4.</summary>
    public int Negatives { get; init; } = 4;

    /// <summary><paramref name="schema"/> with <see cref="MinCount"/> and <see cref="Numeric"/> applied.</summary>
    public FeatureSchema Apply(FeatureSchema schema) => MinCount <= 0 && Numeric is null ? schema : schema.Map(f => f with
    {
        MinCount = MinCount > 0 && f.Kind is FeatureKind.Id or FeatureKind.Categorical or FeatureKind.MultiCategorical or FeatureKind.Sequence ? MinCount : f.MinCount,
        Transform = f.Kind == FeatureKind.Numeric && Numeric is { } t ? t : f.Transform,
    });

    /// <summary>The named dataset read: <see cref="Dataset"/>, or ml-latest-small without a dataset or schema; null with a schema.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? Named => Schema is null ? Dataset ?? "ml-latest-small" : null;
}

/// <summary>How interactions are split into training, validation and test rows, per user.</summary>
public sealed record SplitRecipe
{
    /// <summary>Seed of the split. Default 42.</summary>
    public ulong Seed { get; init; } = 42;
    /// <summary>Share of each user's interactions held out for testing; 0.25 is the PyTorch reference's rule. Default 0.25.</summary>
    public double TestFraction { get; init; } = 0.25;
    /// <summary>Share of each user's training interactions held out to stop early (never the test rows); 0: none. Default 0.1.</summary>
    public double ValidationFraction { get; init; } = 0.1;
    /// <summary>Rankers: how impressions are split (validation is carved from training the same way). Default per user.</summary>
    public SplitKind By { get; init; } = SplitKind.User;
}

/// <summary>How a ranker's impressions are split into training, validation and test.</summary>
public enum SplitKind
{
    /// <summary>Per user: each user's impressions shuffled (seeded), a fraction of them held out (the two-tower split).</summary>
    User,
    /// <summary>Random by impression (seeded), for data without users such as Criteo.</summary>
    Impression,
    /// <summary>Temporal: the newest impressions held out; needs a timestamp column.</summary>
    Time,
}

/// <summary>Where a ranker's click labels come from.</summary>
public enum ClickSource
{
    /// <summary>The schema's label column (0 or 1).</summary>
    Label,
    /// <summary>
    /// Explicit ratings (AutoInt's MovieLens convention, Song et al. 2019): a rating above 3 is a
    /// click, below 3 a non-click, and ratings of exactly 3 are dropped.
    /// </summary>
    Ratings,
    /// <summary>
    /// An implicit log: every interaction is a click, and each gets <see cref="DataRecipe.Negatives"/>
    /// sampled non-clicks (its user and context with an item the user never chose, drawn uniformly, seeded by the split's seed).
    /// </summary>
    Implicit,
}

/// <summary>
/// One serialisable description of a two-tower model: its data, split, towers, task and training.
/// The JSON config of <c>tandem train</c> is its serialised form (camelCase keys, enums as camelCase
/// strings, <c>//</c> comments and trailing commas allowed, unknown keys rejected; docs/config.md
/// lists every key with its default), and a model file carries it, so a saved model rebuilds
/// from the file alone. <c>new ModelRecipe()</c> is the MovieLens quickstart.
/// </summary>
public sealed record ModelRecipe
{
    /// <summary>The data. Default ml-latest-small.</summary>
    public DataRecipe Data { get; init; } = new();
    /// <summary>The split. Default per user 75/25, 10% of training for validation, seed 42.</summary>
    public SplitRecipe Split { get; init; } = new();
    /// <summary>
    /// The user (query) tower: features, widths, layers, history pooling. Default every user and
    /// context feature, [128] ReLU, 64-d, L2, half of the history dropped at each training step.
    /// </summary>
    public TowerOptions User { get; init; } = new();
    /// <summary>The item (candidate) tower. Default every item feature, [128] ReLU, 64-d, L2.</summary>
    public TowerOptions Item { get; init; } = new();
    /// <summary>The task. Default in-batch softmax, τ 0.1, logQ from counts, accidental hits removed.</summary>
    public TaskRecipe Task { get; init; } = new();
    /// <summary>
    /// The optimizer and the loop; its seed also seeds initialisation. Default Adam, learning rate
    /// 0.001, batch 1024, at most 20 epochs stopping after 5 without validation improvement.
    /// </summary>
    public TrainerOptions Training { get; init; } = new();
    /// <summary>Cut-off K of validation (early stopping) and evaluation. Default 10.</summary>
    public int K { get; init; } = 10;
    /// <summary>What <c>tandem tune</c> searches. Default the temperature, learning rate, weight decay, dropout and width.</summary>
    public TuningRecipe Tuning { get; init; } = new();
    /// <summary>A click-through-rate model (the ranking stage) instead of a two-tower retrieval model; null: two-tower. Default null.</summary>
    public RankerRecipe? Ranker { get; init; }

    /// <summary>Serialisation of recipes: the config file's format.</summary>
    public static JsonSerializerOptions Json { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
    };

    /// <summary>Reads and checks a config file; relative data paths become absolute against its folder.</summary>
    /// <exception cref="ModelException">The file is missing, not JSON of this shape, or a field is out of range: one line naming the file and the field.</exception>
    public static ModelRecipe Read(string path)
    {
        if (!File.Exists(path)) throw new ModelException($"{path}: config file not found; check the path");
        var recipe = Parse(File.ReadAllText(path), path);
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        return recipe with
        {
            Data = recipe.Data with
            {
                Schema = recipe.Data.Schema is null ? null : Path.GetFullPath(recipe.Data.Schema, folder),
                Files = recipe.Data.Files?.Resolve(folder),
            },
        };
    }

    /// <summary>Parses and checks <paramref name="json"/>; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="ModelException">Not JSON of this shape, or a field is out of range.</exception>
    public static ModelRecipe Parse(string json, string source = "config")
    {
        ModelRecipe? recipe = null;
        try { recipe = JsonSerializer.Deserialize<ModelRecipe>(json, Json); }
        catch (JsonException e)
        {
            string reason = e.Message.Split(" Path:")[0].Split(". LineNumber")[0];
            throw new ModelException($"{source}: line {e.LineNumber + 1}: {reason}" + (e.Path is { Length: > 2 } p ? $" (field '{p[2..]}')" : ""));
        }
        if (recipe is null) throw new ModelException($"{source}: the config is null; write a JSON object such as {{ \"training\": {{ \"epochs\": 10 }} }}");
        recipe.Validate(source);
        return recipe;
    }

    /// <summary>The recipe as the JSON a config file holds.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Checks every field's range; the first failure throws one line naming <paramref name="source"/> and the field.</summary>
    /// <exception cref="ModelException">A field is out of range.</exception>
    public void Validate(string source = "config")
    {
        var errors = new RecipeErrors(source);
        if (Data.Dataset is not null && Data.Schema is not null) errors.Field("data.dataset", Data.Dataset, "cannot be set with \"data.schema\": the schema file describes the data");
        if (Data.Named is { } name && !NamedDataset.All.Any(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase)))
            errors.Field("data.dataset", name, $"must be one of {string.Join(", ", NamedDataset.All.Select(d => d.Name))}, or set \"data.schema\" for other data");
        if (Data.Schema is null && Data.Files is not null) errors.Field("data.files", "set", "needs \"data.schema\" naming the columns and features of those files");
        if (Data.Files is { Interactions: null }) errors.Field("data.files.interactions", null, "must name the interactions file");
        errors.Fraction("split.testFraction", Split.TestFraction);
        if (Split.TestFraction == 0) errors.Field("split.testFraction", 0, "must be above 0: evaluation needs held-out interactions");
        errors.Fraction("split.validationFraction", Split.ValidationFraction);
        Tower("user", User, errors);
        Tower("item", Item, errors);
        if (User.OutputDimension != Item.OutputDimension)
            errors.Field("item.outputDimension", Item.OutputDimension, $"must equal user.outputDimension ({User.OutputDimension}): scores are inner products");
        Task.Validate(errors);
        if (User.Sequence.Pooling == SequencePooling.Interests && (Task.Loss != LossKind.Softmax || Task.Symmetric))
            errors.Field("user.sequence.pooling", "interests", "scores an item by the user's closest interest, which the softmax loss without task.symmetric supports; set task.loss to softmax and task.symmetric to false");
        if (Item.Sequence.Pooling == SequencePooling.Interests)
            errors.Field("item.sequence.pooling", "interests", "applies to the user tower (several interests per user, one vector per item)");
        errors.AtLeast("training.epochs", Training.Epochs, 1);
        errors.AtLeast("training.batchSize", Training.BatchSize, 2);
        errors.Positive("training.learningRate", Training.LearningRate);
        if (!(Training.WeightDecay >= 0)) errors.Field("training.weightDecay", Training.WeightDecay, "must be 0 or more");
        errors.AtLeast("training.warmupSteps", Training.WarmupSteps, 0);
        if (!(Training.ClipNorm >= 0)) errors.Field("training.clipNorm", Training.ClipNorm, "must be 0 (no clipping) or more");
        errors.AtLeast("training.threads", Training.Threads, 0);
        errors.AtLeast("training.patience", Training.Patience, 0);
        errors.AtLeast("k", K, 1);
        if (Tuning.Space is not null) SearchSpace.Of(this, source).CheckKeys(this, $"{source}: field 'tuning.space'");
        errors.AtLeast("data.minCount", Data.MinCount, 0);
        errors.AtLeast("data.negatives", Data.Negatives, 1);
        Ranker?.Validate(errors);
        if (Ranker is null && Split.By != SplitKind.User) errors.Field("split.by", JsonNamingPolicy.CamelCase.ConvertName(Split.By.ToString()), "applies to rankers only (set \"ranker\"); two-tower models split per user");
        if (Ranker is null && Data.Clicks != ClickSource.Label) errors.Field("data.clicks", JsonNamingPolicy.CamelCase.ConvertName(Data.Clicks.ToString()), "applies to rankers only (set \"ranker\")");
    }

    static void Tower(string side, TowerOptions t, RecipeErrors errors)
    {
        errors.AtLeast($"{side}.embeddingDimension", t.EmbeddingDimension, 1);
        errors.AtLeast($"{side}.outputDimension", t.OutputDimension, 1);
        if (t.Hidden is null) errors.Field($"{side}.hidden", null, "must be a list of widths, [] for none");
        for (int i = 0; i < t.Hidden.Count; i++) errors.AtLeast($"{side}.hidden[{i}]", t.Hidden[i], 1);
        foreach (var (name, width) in t.Dimensions ?? new Dictionary<string, int>()) errors.AtLeast($"{side}.dimensions.{name}", width, 1);
        if (!(t.Dropout >= 0 && t.Dropout < 1)) errors.Field($"{side}.dropout", t.Dropout, "must be in [0, 1)");
        errors.Positive($"{side}.embeddingStd", t.EmbeddingStd);
        if (!(t.Fusion.ModalityDropout >= 0 && t.Fusion.ModalityDropout < 1)) errors.Field($"{side}.fusion.modalityDropout", t.Fusion.ModalityDropout, "must be in [0, 1)");
        if (!(t.Sequence.TimeDecay >= 0)) errors.Field($"{side}.sequence.timeDecay", t.Sequence.TimeDecay, "must be 0 or more");
        errors.AtLeast($"{side}.sequence.heads", t.Sequence.Heads, 1);
        if (!(t.Sequence.Dropout >= 0 && t.Sequence.Dropout < 1)) errors.Field($"{side}.sequence.dropout", t.Sequence.Dropout, "must be in [0, 1)");
        errors.AtLeast($"{side}.sequence.maxLength", t.Sequence.MaxLength, 0);
        errors.AtLeast($"{side}.sequence.interests", t.Sequence.Interests, 1);
        errors.AtLeast($"{side}.sequence.interestWidth", t.Sequence.InterestWidth, 0);
        errors.AtLeast($"{side}.text.layers", t.Text.Layers, 1);
        errors.AtLeast($"{side}.text.heads", t.Text.Heads, 1);
        errors.AtLeast($"{side}.text.feedForward", t.Text.FeedForward, 0);
        foreach (var (name, encoder) in t.Encoders ?? new Dictionary<string, string>())
            if (string.IsNullOrWhiteSpace(encoder)) errors.Field($"{side}.encoders.{name}", encoder, "must name an encoder: resnet18, minilm, arctic-xs or an .onnx file with its input spec");
    }

    /// <summary>
    /// The recipe of the ID-only baseline (matrix factorisation) on <paramref name="schema"/>: the
    /// user and item id features alone, no hidden layer; task and training as this recipe's.
    /// </summary>
    public ModelRecipe IdsOnly(FeatureSchema schema) => this with
    {
        User = User with { Features = [IdFeature(schema, Side.User)], Hidden = [], Dropout = 0 },
        Item = Item with { Features = [IdFeature(schema, Side.Item)], Hidden = [], Dropout = 0 },
    };

    /// <summary>
    /// The untrained model this recipe describes over <paramref name="fitted"/> features, with logQ
    /// from <paramref name="counts"/> (training interactions per item id). Extra sampled negatives
    /// are drawn from <paramref name="catalogue"/>, leave-one-out histories gathered from
    /// <paramref name="histories"/> and image features read from <paramref name="images"/> (by feature
    /// name) when given: training needs them; a model loaded to score from its catalogue does not.
    /// With <c>task.examples</c> users, training also needs <paramref name="examples"/> (the trainer's rows are theirs).
    /// </summary>
    /// <exception cref="ModelException">A tower names an unknown feature or one of the other side, or the data has no id feature.</exception>
    public TwoTowerModel Build(FittedFeatures fitted, ReadOnlySpan<int> counts, ItemInputs? catalogue = null, UserInputs? histories = null,
        IReadOnlyDictionary<string, ImageSet>? images = null, IReadOnlyDictionary<string, EncodedVectors>? pretrained = null, UserExamples? examples = null)
    {
        var schema = fitted.Schema;
        string item = IdFeature(schema, Side.Item);
        var rng = new Random(Training.Seed);
        EncoderTower user, itemTower;
        if (User.Sequence.ShareItemEmbeddings)
        {
            // Histories read the item tower's id table, so that tower is built first.
            itemTower = EncoderTower.Create(fitted, Side.Item, Item, rng, Images(Item, images), Pretrained(Item, pretrained));
            var ids = itemTower.Modules.OfType<IdEmbedding>().FirstOrDefault(m => m.Spec.Name == item);
            user = EncoderTower.Create(fitted, Side.User, User, rng, Images(User, images), Pretrained(User, pretrained), ids);
        }
        else
        {
            user = EncoderTower.Create(fitted, Side.User, User, rng, Images(User, images), Pretrained(User, pretrained));
            itemTower = EncoderTower.Create(fitted, Side.Item, Item, rng, Images(Item, images), Pretrained(Item, pretrained));
        }
        var sampler = catalogue is null ? null : Task.Sampler(catalogue.Items, counts, Training.Seed);
        var task = Task.Build(counts);
        // Multi-interest users: an item is scored by its closest interest (MaxSim summed over the item's one vector).
        if (user.Vectors > 1) task = new LateInteractionTask((RetrievalTask)task, SumOver.Candidate);
        return new TwoTowerModel(fitted, user, itemTower, task, item)
        {
            Recipe = this,
            ItemCounts = counts.ToArray(),
            ExtraNegatives = sampler is null ? 0 : Task.Negatives.Count,
            Sampler = sampler,
            Catalogue = sampler is null && Task.Candidates == CandidateKind.InBatch ? null : catalogue,
            FullSoftmax = Task.Candidates == CandidateKind.Catalogue,
            LeaveOneOutHistories = User.Sequence.LeaveOneOut ? histories : null,
            UserExamples = examples,
            WeighUsersEqually = Task.UserWeight == UserWeight.Equal,
            HoldOut = Task.HoldOut,
            // Its own stream, so the towers' draws stay as they were without a hold-out.
            HoldOutGenerator = new Rng(Training.Seed + 1),
        };
    }

    /// <summary>
    /// Each image feature's module: an <see cref="ImageFeature"/> over its images in <paramref name="images"/>,
    /// or over none (a model loaded to score from its embedded catalogue).
    /// </summary>
    static Func<FeatureSpec, Random, IFeatureModule> Images(TowerOptions tower, IReadOnlyDictionary<string, ImageSet>? images) => (spec, rng) =>
    {
        var set = images?.GetValueOrDefault(spec.Name) ?? ImageSet.Empty(tower.ImageSize);
        return new ImageFeature(spec, set.Store, set.Paths, set.Missing, tower.Image, rng);
    };

    /// <summary>Each pretrained-encoder feature's module over its vectors in <paramref name="vectors"/> (a copy: the module owns it); null without vectors.</summary>
    static Func<FeatureSpec, Random, IFeatureModule>? Pretrained(TowerOptions tower, IReadOnlyDictionary<string, EncodedVectors>? vectors) =>
        vectors is null ? null : (spec, rng) =>
        {
            if (!vectors.TryGetValue(spec.Name, out var v)) throw new ModelException($"Feature '{spec.Name}' is read through a pretrained encoder, but no vectors were computed for it.");
            int dim = tower.Dimensions is { } d && d.TryGetValue(spec.Name, out int w) ? w : tower.EmbeddingDimension;
            return new PretrainedFeature(spec, v with { Vectors = v.Vectors.Clone() }, dim, rng);
        };

    /// <summary>Declared features that neither tower of <paramref name="model"/> reads, with why, for the caller to report.</summary>
    public static IReadOnlyList<string> Unused(TwoTowerModel model)
    {
        var read = new HashSet<string>(StringComparer.Ordinal) { model.ItemFeature };
        foreach (var m in model.User.Modules.Concat(model.Item.Modules))
            foreach (var spec in m is HierarchicalIdEmbedding h ? h.Specs : [m.Spec]) read.Add(spec.Name);
        return [.. model.Features.Schema.Features.Where(f => !read.Contains(f.Name))
            .Select(f => $"feature '{f.Name}' ({f.Kind}, {f.Tower}) is declared but no tower reads it; add it to {(f.Tower == Side.Item ? "item" : "user")}.features or remove it from the schema")];
    }

    /// <summary>The name of the id feature read from the interactions' <paramref name="side"/> column.</summary>
    /// <exception cref="ModelException">The schema declares no such feature.</exception>
    public static string IdFeature(FeatureSchema schema, Side side)
    {
        string? column = side == Side.Item ? schema.Interactions.Item : schema.Interactions.User;
        string name = side == Side.Item ? "item" : "user";
        var feature = schema.Features.FirstOrDefault(f => f.Kind == FeatureKind.Id && f.Column == column);
        if (column is null || feature is null)
            throw new ModelException($"{schema.Files.Interactions ?? "schema"}: training needs an id feature of the {name} column ({column ?? $"set \"{name}\" under \"interactions\""}), "
                + $"e.g. {{ \"name\": \"{name}\", \"column\": \"{column ?? name + "Id"}\", \"kind\": \"id\", \"tower\": \"{name}\" }}");
        return feature.Name;
    }
}
