using Tandem.Data.Batching;
using Tandem.Data.Encoders;
using Tandem.Data.Splits;
using Tandem.Data.Tables;
using Tandem.Models.Evaluation;
using Tandem.Models.Recipes;
using Tandem.Models.Training;
using Tandem.Models.Towers;

namespace Tandem.Models.Tests;

/// <summary>
/// The <see cref="Planted"/> data and a model holding every kind of training state: buffers (batch
/// norm's running statistics, streaming logQ's counters) and generators (dropout, modality dropout,
/// mixed negatives drawn by a popularity sampler). Validation is Recall@10 on the held-out split.
/// </summary>
sealed class StatefulModel : IDisposable
{
    public StatefulModel()
    {
        Log = Planted.Log();
        Split = Splitter.PerUserRandom(Log, 0.25, seed: 11);
        Fitted = FittedFeatures.Fit(Log, Split.Train);
        Data = Fitted.Encode(Log, Split.Train);
        Items = new ItemInputs(Data, Split.Train, "item");
        Users = new UserInputs(Log, Fitted, Data, Split.Train);
        Holdout = new Holdout(Log, Split.Train, Split.Test, Items, id => ((CategoricalEncoder)Fitted["item"]).Vocabulary!.Token(id)!);
    }

    public InteractionLog Log { get; }
    public Split Split { get; }
    public FittedFeatures Fitted { get; }
    public EncodedData Data { get; }
    public ItemInputs Items { get; }
    public UserInputs Users { get; }
    public Holdout Holdout { get; }

    /// <summary>The model's recipe: batch norm, dropout, modality dropout, streaming logQ and popularity-sampled extra negatives.</summary>
    public static ModelRecipe Recipe { get; } = new()
    {
        User = new TowerOptions
        {
            Features = ["user", "history"], EmbeddingDimension = 16, Hidden = [32], OutputDimension = 16,
            Normalization = Normalization.Batch, Dropout = 0.2f,
        },
        Item = new TowerOptions
        {
            Features = ["item", "genres"], EmbeddingDimension = 16, Hidden = [32], OutputDimension = 16,
            Normalization = Normalization.Batch, Dropout = 0.2f, Fusion = new FusionOptions { ModalityDropout = 0.2f },
        },
        Task = new TaskRecipe
        {
            Temperature = 0.1f, LogQ = LogQKind.Streaming, LogQBuckets = 64, LogQRate = 0.05f,
            Negatives = new NegativesRecipe { Count = 8, Sampler = SamplerKind.Popularity, Power = 1 },
        },
        Training = new TrainerOptions { Seed = 5 },
    };

    /// <summary>A freshly initialised model (always the same initial values), over <paramref name="fitted"/> if given.</summary>
    public TwoTowerModel Build(FittedFeatures? fitted = null) => Recipe.Build(fitted ?? Fitted, Items.Counts, Items);

    public double Recall(ITrainable model) => Holdout.Evaluate((TwoTowerModel)model, Users, Items).Metrics["Recall@10"];

    /// <summary>The bits of every user's and every catalogue item's embedding (evaluation mode).</summary>
    public int[] Scores(TwoTowerModel model)
    {
        using var users = TwoTowerModel.Embed(model.User, [Users.Input([.. Enumerable.Range(0, Users.UserCount)])]);
        using var items = model.EmbedItems(Items, Items.Items);
        return Bits(users.Span).Concat(Bits(items.Span)).ToArray();
    }

    public static int[] Bits(ReadOnlySpan<float> values) => [.. values.ToArray().Select(BitConverter.SingleToInt32Bits)];

    public void Dispose()
    {
        Items.Dispose();
        Users.Dispose();
    }
}
