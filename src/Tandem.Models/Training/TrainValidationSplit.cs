using Tandem.Data.Splits;
using Tandem.Data.Batching;
using Tandem.Data.Encoders;
using Tandem.Data.Tables;
using Tandem.Evaluation.Ranking;
using Tandem.Models.Evaluation;
using Tandem.Models.Training;

namespace Tandem.Models.Training;

/// <summary>
/// What a model trains on: the training rows less a per-user validation slice, with the
/// catalogues of those rows (logQ counts, leave-one-out histories), and the validation holdout
/// whose Recall@K stops training early. The test set is never read. With a fraction of 0 it is
/// every training row, the given catalogues, and no validation.
/// </summary>
public sealed class TrainValidationSplit : IDisposable
{
    readonly bool owns;

    TrainValidationSplit(FittedFeatures fitted, EncodedData data, int[] rows, ItemInputs items, UserInputs users, Holdout? validation, ItemInputs catalogue, bool owns)
    {
        (Fitted, Data, Rows, Items, Users, Validation, Catalogue) = (fitted, data, rows, items, users, validation, catalogue);
        this.owns = owns;
    }

    /// <summary>The fitted features (fitted on every training row).</summary>
    public FittedFeatures Fitted { get; }
    /// <summary>The encoded log.</summary>
    public EncodedData Data { get; }
    /// <summary>The rows trained on.</summary>
    public int[] Rows { get; }
    /// <summary>The catalogue of <see cref="Rows"/>: logQ counts and sampled negatives.</summary>
    public ItemInputs Items { get; }
    /// <summary>The users' histories from <see cref="Rows"/>: leave-one-out training histories and validation queries.</summary>
    public UserInputs Users { get; }
    /// <summary>The validation holdout (<see cref="Rows"/> excluded, the slice held out, the full training catalogue ranked); null without validation.</summary>
    public Holdout? Validation { get; }
    /// <summary>The full training catalogue the validation ranks.</summary>
    public ItemInputs Catalogue { get; }

    /// <summary>
    /// Carves the slice from <paramref name="trainRows"/> with <see cref="ReferenceSplit.Carve"/>
    /// (seeded by the split seed); <paramref name="items"/>, <paramref name="users"/> and
    /// <paramref name="holdout"/> are those of every training row.
    /// </summary>
    public static TrainValidationSplit Create(InteractionLog log, FittedFeatures fitted, EncodedData data, int[] trainRows,
        ItemInputs items, UserInputs users, Holdout holdout, double validationFraction, ulong splitSeed)
    {
        if (validationFraction <= 0) return new TrainValidationSplit(fitted, data, trainRows, items, users, null, items, owns: false);
        var carved = ReferenceSplit.Carve(log, trainRows, validationFraction, splitSeed);
        var fitItems = new ItemInputs(data, carved.Train, items.ItemFeature);
        var fitUsers = new UserInputs(log, fitted, data, carved.Train);
        var validation = new Holdout(log, carved.Train, carved.Test, items, holdout.KeyOf);
        return new TrainValidationSplit(fitted, data, carved.Train, fitItems, fitUsers, validation, items, owns: true);
    }

    /// <summary>One example per user of <see cref="Rows"/> with all of their items (<c>task.examples</c> users), built on first use.</summary>
    public UserExamples UserExamples => field ??= new UserExamples(Data, Rows, Users, Items.ItemFeature);

    /// <summary>The examples an epoch of <paramref name="recipe"/> trains on: <see cref="Rows"/>, or one per user with user examples.</summary>
    public int[] ExampleRows(Recipes.ModelRecipe recipe) => recipe.Task.Examples == Recipes.ExampleKind.Users ? UserExamples.Rows : Rows;

    /// <summary>Every validation report of the trainer's epochs, in order (early stopping reads their <see cref="TrainerOptions.ValidationMetric"/>).</summary>
    public IReadOnlyList<RankingReport> Reports => reports;

    readonly List<RankingReport> reports = [];

    /// <summary>A trainer with <paramref name="options"/> that stops early on this slice's validation metric at <paramref name="k"/> (<see cref="TrainerOptions.ValidationMetric"/>).</summary>
    public Trainer Trainer(TrainerOptions options, int k)
    {
        var trainer = new Trainer(options with { Patience = Validation is null ? 0 : options.Patience });
        string metric = MetricName(options.ValidationMetric, k);
        if (Validation is { } v)
            trainer.Validation = m =>
            {
                var report = v.Evaluate((TwoTowerModel)m, Users, Catalogue, k);
                reports.Add(report);
                return report[metric];
            };
        return trainer;
    }

    /// <summary>The report name of <paramref name="metric"/> at <paramref name="k"/>, e.g. <c>NDCG@10</c>.</summary>
    public static string MetricName(ValidationMetric metric, int k) => (metric == ValidationMetric.Ndcg ? "NDCG@" : "Recall@") + k;

    /// <summary>Disposes the catalogues this slice built.</summary>
    public void Dispose()
    {
        if (!owns) return;
        Items.Dispose();
        Users.Dispose();
    }
}
