using Tandem.IO;
using Tandem.Models.Persistence;
using Tandem.Models.Tests.Persistence;
using Tandem.Tests;
using Tandem.Models.Training;

namespace Tandem.Models.Tests.Training;

public sealed class ResumeTests : IDisposable
{
    readonly StatefulModel s = new();
    readonly TempDirectory dir = new();

    public void Dispose()
    {
        s.Dispose();
        dir.Dispose();
    }

    static TrainerOptions Options => new() { Epochs = 30, BatchSize = 32, LearningRate = 0.01f, Threads = 1, Seed = 3, Patience = 2 };

    Trainer Trainer(string? checkpoint = null) => new(Options) { Validation = s.Recall, CheckpointPath = checkpoint };

    /// <summary>Every value a run leaves behind: parameters and buffers (bits), generator states and optimizer steps.</summary>
    static string Final(TwoTowerModel model, Trainer trainer) => string.Join('\n',
        model.Parameters.Select(p => $"{p.Name} {string.Join(',', StatefulModel.Bits(p.Value.Span))}")
            .Concat(model.Buffers.Select(b => $"{b.Name} {string.Join(',', StatefulModel.Bits(b.Value.Span))}"))
            .Concat(model.Generators.Select(g => $"{g.Name} {string.Join(',', g.Rng.GetState())}"))
            .Append($"steps {trainer.Optimizer!.StepCount}"));

    static IEnumerable<(int, double, double?, bool)> Record(TrainingResult r) => r.Epochs.Select(e => (e.Epoch, e.Loss, e.Validation, e.IsBest));

    [Fact]
    public void AnInterruptedRunResumedFromItsCheckpointEndsBitForBitLikeAStraightOne()
    {
        var straightModel = s.Build();
        var straightTrainer = Trainer();
        var straight = straightTrainer.Fit(straightModel, s.Data, s.Split.Train);
        // The run exercises all a checkpoint keeps: early stopping back to an earlier epoch's
        // snapshot, running statistics and streaming logQ counters that moved, dropout, history dropout and sampled negatives.
        Assert.True(straight.StoppedEarly);
        Assert.Equal(straight.BestEpoch + Options.Patience, straight.Epochs[^1].Epoch);
        Assert.Contains(straightModel.Buffers, b => b.Name.EndsWith(".mean", StringComparison.Ordinal) && b.Value.Span.ContainsAnyExcept(0f));
        Assert.Contains(straightModel.Buffers, b => b.Name == "task.logq.gap" && b.Value.Span.ContainsAnyExcept(0f));
        Assert.Equal(["user.dropout", "user.history.dropout", "item.dropout", "item.fusion", "sampler"], straightModel.Generators.Select(g => g.Name));
        string expected = Final(straightModel, straightTrainer);

        // Interrupted after the first epoch, and after the epoch that follows the best one (so the
        // best epoch's values come back from the checkpoint's snapshot).
        foreach (int done in new[] { 1, straight.BestEpoch + 2 })
        {
            string path = dir.File($"after-{done}.tandem");
            using var cancel = new CancellationTokenSource();
            var first = Trainer(path);
            first.EpochCompleted += e => { if (e.Epoch + 1 == done) cancel.Cancel(); };
            var interrupted = first.Fit(s.Build(), s.Data, s.Split.Train, cancel.Token);
            Assert.True(interrupted.Cancelled);
            Assert.Equal(done, interrupted.Epochs.Count);

            var model = s.Build();
            var trainer = Trainer(path);
            var resumed = trainer.Fit(model, s.Data, s.Split.Train, resumeFrom: path);
            Assert.False(resumed.Cancelled);
            Assert.True(resumed.StoppedEarly);
            Assert.Equal(straight.BestEpoch, resumed.BestEpoch);
            Assert.Equal(Record(straight), Record(resumed)); // the restored history first, then the new epochs
            Assert.Equal(expected, Final(model, trainer));

            // Resuming a finished run trains nothing and ends on the same best epoch.
            var again = s.Build();
            var finished = Trainer().Fit(again, s.Data, s.Split.Train, resumeFrom: path);
            Assert.True(finished.StoppedEarly);
            Assert.Equal(straight.BestEpoch, finished.BestEpoch);
            Assert.Equal(Record(straight), Record(finished));
            Assert.Equal(0, finished.TrainSeconds);
            Assert.Equal(s.Scores(straightModel), s.Scores(again));
        }
    }

    [Fact]
    public void ACheckpointOfAnotherArchitectureIsRefusedBeforeAnythingChanges()
    {
        string path = dir.File("run.tandem");
        new Trainer(Options with { Epochs = 1 }) { CheckpointPath = path }.Fit(s.Build(), s.Data, s.Split.Train);
        var model = s.Build();
        var other = new TwoTowerModel(model.Features, model.User, model.Item, model.Task, "item"); // no sampler: one generator fewer
        var before = s.Scores(other);
        var e = Assert.Throws<TandemFileException>(() => Trainer().Fit(other, s.Data, s.Split.Train, resumeFrom: path));
        Assert.Equal($"{path}: generator 'sampler' is in the file but not in the model; the file was saved from a different model or configuration", e.Message);
        Assert.Equal(before, s.Scores(other));

        var batch = new Trainer(Options with { BatchSize = 48 }) { Validation = s.Recall };
        int rows = s.Split.Train.Length;
        Assert.Equal($"{path}: the run took {(rows + 31) / 32} steps in 1 epoch(s), but an epoch is {(rows + 47) / 48} steps here; resume with the data and batch size it was trained with",
            Assert.Throws<TandemFileException>(() => batch.Fit(s.Build(), s.Data, s.Split.Train, resumeFrom: path)).Message);
    }
}
