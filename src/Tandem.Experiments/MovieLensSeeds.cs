using Tandem.Models.Towers;
using Tandem.Models.Training;

namespace Tandem.Experiments;

/// <summary>A named change to the quickstart's full model, trained without baselines.</summary>
/// <param name="Name">Row name in the table.</param>
/// <param name="Change">What it changes.</param>
public sealed record Ablation(string Name, Func<MovieLensOptions, MovieLensOptions> Change);

/// <summary>
/// The MovieLens experiment over several init/shuffle seeds on one split: the quickstart (two-tower,
/// ID-only, most-popular) per seed, and optionally each <see cref="Ablation"/> of the two-tower
/// model per seed, gathered in one <see cref="SeedTable"/>.
/// </summary>
public static class MovieLensSeeds
{
    /// <summary>
    /// The issue's ablations: no logQ correction; mixed negatives (in-batch plus 1,024 uniformly
    /// sampled items, each with its own log q); attention and GRU history pooling instead of the mean.
    /// </summary>
    public static IReadOnlyList<Ablation> Ablations { get; } =
    [
        new("two-tower, no logQ correction", o => o with { LogQ = false }),
        new("two-tower, mixed negatives (+1,024 uniform)", o => o with { ExtraNegatives = 1024 }),
        new("two-tower, attention history", o => o with { Pooling = SequencePooling.Attention }),
        new("two-tower, GRU history", o => o with { Pooling = SequencePooling.Gru }),
    ];

    /// <summary>The two-tower with multi-interest users: K interest vectors by self-attentive pooling of the history, an item scored by the closest (MaxSim).</summary>
    public static Ablation Interests(int k) =>
        new($"two-tower, {k} interest{(k == 1 ? "" : "s")} (self-attentive, max over interests)", o => o with { Pooling = SequencePooling.Interests, Interests = k });

    /// <summary>
    /// Runs every seed of <paramref name="seeds"/> (and, if <paramref name="ablations"/> is given,
    /// each of them) into a table whose rows are the model names and the ablations' names.
    /// <paramref name="progress"/> receives (run description, epoch) after every epoch. Stops after the
    /// current step when <paramref name="cancellation"/> is cancelled; the table then holds the runs
    /// finished so far. <paramref name="finished"/>, if given, receives the table after every run
    /// (e.g. to write a report that survives an interruption).
    /// </summary>
    public static SeedTable Run(MovieLensOptions options, IReadOnlyList<int> seeds, IReadOnlyList<Ablation>? ablations = null,
        Action<string, EpochProgress>? progress = null, CancellationToken cancellation = default, Action<SeedTable>? finished = null)
    {
        var table = new SeedTable();
        var runs = new List<(string? Row, MovieLensOptions Options)>();
        foreach (int seed in seeds) runs.Add((null, options with { Seed = seed }));
        foreach (var a in ablations ?? [])
            foreach (int seed in seeds) runs.Add((a.Name, a.Change(options) with { Seed = seed, Baseline = false }));
        foreach (var (row, o) in runs)
        {
            if (cancellation.IsCancellationRequested) break;
            var report = MovieLensExperiment.Run(o, (model, e) => progress?.Invoke($"{row ?? model}, seed {o.Seed}", e), cancellation);
            if (report.Models.Any(m => m.Training?.Cancelled == true)) break;
            if (row is null) foreach (var m in report.Models) table.Add(m.Name, m);
            else table.Add(row, report[MovieLensExperiment.TwoTower]);
            finished?.Invoke(table);
        }
        return table;
    }
}
