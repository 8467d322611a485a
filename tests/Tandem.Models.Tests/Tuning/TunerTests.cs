using System.Globalization;
using Tandem.Data.Datasets;
using Tandem.Data.Schema;
using Tandem.Data.Splits;
using Tandem.Data.Tables;
using Tandem.Models.Recipes;
using Tandem.Models.Towers;
using Tandem.Models.Training;
using Tandem.Models.Tuning;
using Tandem.Tests;

namespace Tandem.Models.Tests.Tuning;

/// <summary>The first 60 users of ml-latest-small (about 9,000 ratings) and one tuning run on them, shared by the tests.</summary>
public sealed class SmallMovieLens : IDisposable
{
    readonly TempDirectory dir = new();
    public string Dir => dir.Path;
    public readonly FeatureSchema Schema;
    public readonly string Ratings;
    public readonly InteractionLog Log;
    public readonly Split Split;
    public readonly TuningResult Tuned;

    public static readonly ModelRecipe Recipe = new()
    {
        User = new TowerOptions { Features = ["user", "history"], EmbeddingDimension = 16, OutputDimension = 16 },
        Item = new TowerOptions { Features = ["item", "genres"], EmbeddingDimension = 16, OutputDimension = 16 },
        Training = new TrainerOptions { Epochs = 4, BatchSize = 256, Threads = 1 },
    };

    public static readonly TuningOptions Options = new() { Trials = 4, Seed = 3, Eta = 2, MinEpochs = 1, Patience = 2 };

    public SmallMovieLens()
    {
        Schema = NamedDataset.Find("ml-latest-small").Schema(SharedData.Root);
        var lines = File.ReadLines(Schema.Files.Interactions!.Path).ToList();
        Ratings = Path.Combine(Dir, "ratings.csv");
        File.WriteAllLines(Ratings, [lines[0], .. lines.Skip(1).Where(l => int.Parse(l[..l.IndexOf(',')], CultureInfo.InvariantCulture) <= 60)]);
        Log = Load(Ratings);
        Split = ReferenceSplit.Create(Log, 42);
        using var data = ModelData.Create(Recipe, Log, Split);
        Tuned = new Tuner(Options).Run(data, Recipe, SearchSpace.Default);
    }

    public InteractionLog Load(string ratings) => InteractionLog.Load(Schema, ratings, null, Schema.Files.Items);

    public void Dispose() => dir.Dispose();
}

public class TunerTests(SmallMovieLens small) : IClassFixture<SmallMovieLens>
{
    /// <summary>What a run chose and measured, trial by trial, as text.</summary>
    static string Trace(TuningResult r) => string.Join("\n", r.Results.Select(t => string.Create(CultureInfo.InvariantCulture,
        $"{t.Trial.Number} {t.Trial.Rung} {string.Join(",", t.Trial.Values)} {t.EpochsTrained} {t.KeptEpoch} {t.Recall:R} {t.Ndcg:R} {t.Failure}")))
        + "\nbest: " + r.Best!.KeptRecipe.ToJson();

    [Fact]
    public void ItRunsEveryRungAndKeepsTheBestScore()
    {
        var r = small.Tuned;
        // 4 trials, 4 epochs, η 2, at least 1 epoch: 4×1, 2×2, 1×4.
        Assert.Equal([new(4, 1), new(2, 2), new(1, 4)], r.Rungs);
        Assert.Null(r.Stopped);
        Assert.Equal(4 + 2 + 1, r.Results.Count);
        Assert.All(r.Results, t => Assert.True(t.Scored && t.Ndcg > 0 && t.Recall > 0, Trace(r)));
        Assert.Equal(r.Results.Max(t => t.Recall), r.Best!.Recall);
        // The second rung trains the first rung's best two.
        var first = r.Results.Where(t => t.Trial.Rung == 0).OrderByDescending(t => t.Recall).Take(2).Select(t => t.Trial.Number);
        Assert.Equal(first.Order(), r.Results.Where(t => t.Trial.Rung == 1).Select(t => t.Trial.Number).Order());
        Assert.Equal(r.Best.KeptEpoch, r.Best.KeptRecipe.Training.Epochs);
        Assert.Equal(SmallMovieLens.Options.Patience, r.Best.KeptRecipe.Training.Patience);
    }

    [Fact]
    public void OneSeedGivesTheSameTrialsAndTheSameBest()
    {
        using var data = ModelData.Create(SmallMovieLens.Recipe, small.Log, small.Split);
        var again = new Tuner(SmallMovieLens.Options).Run(data, SmallMovieLens.Recipe, SearchSpace.Default);
        Assert.Equal(Trace(small.Tuned), Trace(again));
    }

    [Fact]
    public void PoisoningTheTestSplitChangesNothing()
    {
        // The test rows' movies (and times) shuffled among them: the training rows are untouched.
        var lines = File.ReadAllLines(small.Ratings);
        var test = small.Split.Test;
        var moved = test.Select(r => lines[r + 1].Split(',')).ToArray();
        var rng = new Random(1);
        var order = Enumerable.Range(0, test.Length).OrderBy(_ => rng.Next()).ToArray();
        for (int i = 0; i < test.Length; i++)
        {
            var from = moved[order[i]];
            lines[test[i] + 1] = $"{moved[i][0]},{from[1]},{moved[i][2]},{from[3]}";
        }
        string poisoned = Path.Combine(small.Dir, "poisoned.csv");
        File.WriteAllLines(poisoned, lines);
        using var clean = ModelData.Create(SmallMovieLens.Recipe, small.Log, small.Split);
        using var data = ModelData.Create(SmallMovieLens.Recipe, small.Load(poisoned), small.Split);
        // The poison reaches the test figures...
        Assert.NotEqual(clean.Holdout.Evaluate(clean.Holdout.MostPopular())["NDCG@10"], data.Holdout.Evaluate(data.Holdout.MostPopular())["NDCG@10"]);
        // ...and not the tuning.
        var tuned = new Tuner(SmallMovieLens.Options).Run(data, SmallMovieLens.Recipe, SearchSpace.Default);
        Assert.Equal(Trace(small.Tuned), Trace(tuned));
    }

    [Fact]
    public void StoppingKeepsTheTrialsThatFinished()
    {
        using var data = ModelData.Create(SmallMovieLens.Recipe, small.Log, small.Split);
        using var stop = new CancellationTokenSource();
        var tuner = new Tuner(SmallMovieLens.Options);
        tuner.TrialCompleted += _ => stop.Cancel();
        var r = tuner.Run(data, SmallMovieLens.Recipe, SearchSpace.Default, stop.Token);
        Assert.Equal("stopped", r.Stopped);
        Assert.Equal((1, small.Tuned.Results[0].Recall), (Assert.Single(r.Results).Trial.Number, r.Results[0].Recall));
        Assert.Same(r.Results[0], r.Best);
    }

    [Fact]
    public void TuningNeedsAValidationSlice()
    {
        using var data = ModelData.Create(SmallMovieLens.Recipe, small.Log, small.Split);
        var recipe = SmallMovieLens.Recipe with { Split = new SplitRecipe { ValidationFraction = 0 } };
        var e = Assert.Throws<ModelException>(() => new Tuner(SmallMovieLens.Options).Run(data, recipe, SearchSpace.Default));
        Assert.Contains("split.validationFraction", e.Message);
    }
}
