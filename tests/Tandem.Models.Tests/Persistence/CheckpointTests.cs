using Tandem.IO;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Tandem.Models.Persistence;
using Tandem.Models.Training;
using Tandem.Tensors;
using Tandem.Tensors.Autograd;
using Tandem.Tensors.Optimizers;

using Tandem.Tests;

namespace Tandem.Models.Tests.Persistence;

/// <summary>
/// A tiny two-tower model (sparse user and item tables, a dense projection with bias, a step
/// counter as a buffer) trained with lazy Adam on batches drawn from a generator whose state is
/// checkpointed too.
/// </summary>
public class CheckpointTests : IDisposable
{
    const int Users = 13, Items = 17, Dim = 6, Batch = 5;
    readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    sealed class Run : IDisposable
    {
        public readonly Parameter UserTable, ItemTable, W, B;
        public readonly StateBuffer Steps = StateBuffer.Filled("steps", 0, 1);
        public readonly Rng Batches = new(11);
        public readonly Adam Optimizer;

        public Run()
        {
            // Initial values from a fixed seed, as a trainer constructing a fresh model would.
            var init = new Random(7);
            Tensor Init(params int[] shape)
            {
                var t = Tensor.Empty(shape);
                foreach (ref float x in t.Span) x = (float)(init.NextDouble() - 0.5);
                return t;
            }
            UserTable = new Parameter("user_tower/embedding", Init(Users, Dim), sparse: true);
            ItemTable = new Parameter("item_tower/embedding", Init(Items, Dim), sparse: true);
            W = new Parameter("user_tower/fc1.weight", Init(Dim, Dim));
            B = new Parameter("user_tower/fc1.bias", Init(1, Dim));
            Optimizer = new Adam(Parameters, 0.05f, new AdamOptions { WeightDecay = 0.01f });
        }

        public Parameter[] Parameters => [UserTable, ItemTable, W, B];

        public ModelState State => new(Parameters, [Steps], [("batches", Batches)]);

        public float Step(Tape tape)
        {
            int[] users = new int[Batch], items = new int[Batch], targets = new int[Batch];
            for (int i = 0; i < Batch; i++)
            {
                users[i] = Batches.Next(Users);
                items[i] = Batches.Next(Items);
                targets[i] = i;
            }
            var queries = tape.Relu(tape.Linear(tape.Embedding(UserTable, users), W, B));
            var candidates = tape.Embedding(ItemTable, items);
            var loss = tape.SoftmaxCrossEntropy(tape.MatMul(queries, candidates, transB: true), targets);
            float value = loss.Value[0];
            tape.Backward(loss);
            Optimizer.Step();
            Optimizer.ZeroGrad();
            tape.Reset();
            Steps.Value[0]++;
            return value;
        }

        public void Train(int steps)
        {
            using var tape = new Tape();
            for (int i = 0; i < steps; i++) Step(tape);
        }

        public void Dispose()
        {
            Optimizer.Dispose();
            Steps.Dispose();
            foreach (var p in Parameters) p.Dispose();
        }
    }

    static void AssertBitIdentical(Run expected, Run actual)
    {
        for (int i = 0; i < expected.Parameters.Length; i++)
            Assert.True(MemoryMarshal.AsBytes(expected.Parameters[i].Value.Span).SequenceEqual(MemoryMarshal.AsBytes(actual.Parameters[i].Value.Span)),
                $"{expected.Parameters[i].Name} differs");
        Assert.Equal(expected.Steps.Value[0], actual.Steps.Value[0]);
        Assert.Equal(expected.Batches.GetState(), actual.Batches.GetState());
        Assert.Equal(expected.Optimizer.StepCount, actual.Optimizer.StepCount);
        for (int i = 0; i < expected.Optimizer.State.Count; i++)
            Assert.True(MemoryMarshal.AsBytes(expected.Optimizer.State[i].Value.Span).SequenceEqual(MemoryMarshal.AsBytes(actual.Optimizer.State[i].Value.Span)),
                $"{expected.Optimizer.State[i].Name} differs");
    }

    [Fact]
    public void Restored_training_continues_bit_for_bit()
    {
        const int total = 12, before = 5;
        using (Threads.Use(1))
        {
            using var straight = new Run();
            straight.Train(total);

            string path = dir.File("run.ckpt");
            EpochProgress[] history = [new(0, 3, 1.25, 0.5, 50, 0.3, true), new(1, 3, 1.125, 0.5, 50, null, true)];
            var saved = new TrainerState { Epoch = 2, BestMetric = 0.3, BestEpoch = 0, SinceBest = 1, History = history };
            float[][] snapshotted;
            using (var first = new Run())
            {
                first.Train(before - 2);
                using var snapshot = ModelSnapshot.Of(first.State); // as early stopping keeps its best epoch
                snapshotted = [.. snapshot.Parameters.Concat(snapshot.Buffers).Select(t => t.Value.Span.ToArray())];
                first.Train(2);
                Checkpoint.Save(path, first.State, first.Optimizer, saved, snapshot);
            }

            using var resumed = new Run(); // fresh objects: initial weights, zero moments and a fresh generator, overwritten by the restore
            var (state, best) = Checkpoint.Restore(path, resumed.State, resumed.Optimizer);
            using (best)
            {
                Assert.NotNull(best);
                Assert.Equal(snapshotted, best.Parameters.Concat(best.Buffers).Select(t => t.Value.Span.ToArray()));
                Assert.Equal(before - 2, best.Buffers[0].Value[0]);
            }
            Assert.Equal((2, 0.3, 0, 1), (state.Epoch, state.BestMetric, state.BestEpoch, state.SinceBest));
            Assert.Equal(history, state.History);
            Assert.Equal(before, resumed.Steps.Value[0]);
            resumed.Train(total - before);

            AssertBitIdentical(straight, resumed);
        }
    }

    [Fact]
    public void A_checkpoint_of_another_model_or_optimizer_is_refused_by_name()
    {
        string path = dir.File("run.ckpt");
        using var run = new Run();
        run.Train(2);
        Checkpoint.Save(path, run.State, run.Optimizer, new TrainerState());

        using var other = new Run();
        using var wider = new Parameter("user_tower/fc1.weight", Tensor.Zeros(Dim, Dim + 1));
        float[] before = other.UserTable.Value.Span.ToArray();
        var generator = other.Batches.GetState();
        const string Different = "; the file was saved from a different model or configuration";
        string Refused(ModelState state, Optimizer? optimizer = null) =>
            Assert.Throws<TandemFileException>(() => Checkpoint.Restore(path, state, optimizer ?? other.Optimizer)).Message;
        Assert.Equal($"{path}: parameter 'user_tower/fc1.weight' has shape [6, 6] in the file but [6, 7] in the model{Different}",
            Refused(other.State with { Parameters = [other.UserTable, other.ItemTable, wider, other.B] }));
        Assert.Equal(before, other.UserTable.Value.Span.ToArray()); // nothing was loaded
        Assert.Equal(0, other.Optimizer.StepCount);
        Assert.Equal(0, other.Steps.Value[0]);
        Assert.Equal(generator, other.Batches.GetState());
        Assert.Equal($"{path}: parameter 'user_tower/fc1.bias' is in the file but not in the model{Different}",
            Refused(other.State with { Parameters = [other.UserTable, other.ItemTable, other.W] }));
        Assert.Equal($"{path}: buffer 'steps' is in the file but not in the model{Different}", Refused(other.State with { Buffers = [] }));
        Assert.Equal($"{path}: generator 'batches' is in the file but not in the model{Different}", Refused(other.State with { Generators = [] }));
        Assert.Equal($"{path}: generator 'dropout' of the model is not in the file{Different}",
            Refused(other.State with { Generators = [("batches", other.Batches), ("dropout", new Rng(1))] }));

        using var sgd = new Sgd(other.Parameters, 0.1f);
        Assert.Equal($"{path}: the checkpoint holds Adam optimizer state but the optimizer is Sgd{Different}", Refused(other.State, sgd));

        var model = new TandemFileWriter(TandemFileKind.Model);
        model.AddBytes("x", [1]);
        model.Save(dir.File("model.tandem"));
        Assert.Equal($"{dir.File("model.tandem")} is a Tandem model, not a checkpoint",
            Assert.Throws<TandemFileException>(() => Checkpoint.Restore(dir.File("model.tandem"), other.State, other.Optimizer)).Message);
    }
}
