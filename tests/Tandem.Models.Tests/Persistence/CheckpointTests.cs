using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Tandem.Models.Persistence;
using Tandem.Models.Reporting;
using Tandem.Tensors;
using Tandem.Tensors.Autograd;
using Tandem.Tensors.Optimizers;

namespace Tandem.Models.Tests.Persistence;

/// <summary>
/// A tiny two-tower model (sparse user and item tables, a dense projection with bias) trained
/// with lazy Adam on batches drawn from a xorshift generator whose state is checkpointed too.
/// </summary>
public class CheckpointTests : IDisposable
{
    const int Users = 13, Items = 17, Dim = 6, Batch = 5;
    readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    sealed class Run : IDisposable
    {
        public readonly Parameter UserTable, ItemTable, W, B;
        public readonly Adam Optimizer;
        public ulong Rng = 0x9E3779B97F4A7C15;

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

        int Next(int n)
        {
            Rng ^= Rng << 13;
            Rng ^= Rng >> 7;
            Rng ^= Rng << 17;
            return (int)(Rng % (ulong)n);
        }

        public float Step(Tape tape)
        {
            int[] users = new int[Batch], items = new int[Batch], targets = new int[Batch];
            for (int i = 0; i < Batch; i++)
            {
                users[i] = Next(Users);
                items[i] = Next(Items);
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
            return value;
        }

        public void Train(int steps)
        {
            using var tape = new Tape();
            for (int i = 0; i < steps; i++) Step(tape);
        }

        public byte[] RngBytes()
        {
            var bytes = new byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, Rng);
            return bytes;
        }

        public void Dispose()
        {
            Optimizer.Dispose();
            foreach (var p in Parameters) p.Dispose();
        }
    }

    static void AssertBitIdentical(Run expected, Run actual)
    {
        for (int i = 0; i < expected.Parameters.Length; i++)
            Assert.True(MemoryMarshal.AsBytes(expected.Parameters[i].Value.Span).SequenceEqual(MemoryMarshal.AsBytes(actual.Parameters[i].Value.Span)),
                $"{expected.Parameters[i].Name} differs");
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
            var history = new[] { new EpochRecord { Epoch = 1, Loss = 1.25, Examples = 25, Seconds = 0.5, Validation = new Dictionary<string, double> { ["Recall@10"] = 0.3 } } };
            using (var first = new Run())
            {
                first.Train(before);
                Checkpoint.Save(path, first.Parameters, first.Optimizer, new TrainerState
                {
                    Epoch = 1, Step = before, RngState = first.RngBytes(), BestMetricName = "Recall@10", BestMetric = 0.3, BestEpoch = 1, History = history,
                });
            }

            using var resumed = new Run(); // fresh objects: initial weights and zero moments, overwritten by the restore
            var state = Checkpoint.Restore(path, resumed.Parameters, resumed.Optimizer);
            resumed.Rng = BinaryPrimitives.ReadUInt64LittleEndian(state.RngState);
            Assert.Equal((1, before, "Recall@10", 0.3, 1), (state.Epoch, state.Step, state.BestMetricName, state.BestMetric, state.BestEpoch));
            Assert.Equal(history, state.History, (a, b) => a.Epoch == b.Epoch && a.Loss == b.Loss && a.Examples == b.Examples
                && a.Seconds == b.Seconds && a.Validation.SequenceEqual(b.Validation));
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
        Checkpoint.Save(path, run.Parameters, run.Optimizer, new TrainerState());

        using var other = new Run();
        using var wider = new Parameter("user_tower/fc1.weight", Tensor.Zeros(Dim, Dim + 1));
        float[] before = other.UserTable.Value.Span.ToArray();
        Assert.Equal($"{path}: parameter 'user_tower/fc1.weight' has shape [6, 6] in the file but [6, 7] in the model; the file was saved from a different model or configuration",
            Assert.Throws<TandemFileException>(() => Checkpoint.Restore(path, [other.UserTable, other.ItemTable, wider, other.B], other.Optimizer)).Message);
        Assert.Equal(before, other.UserTable.Value.Span.ToArray()); // nothing was loaded
        Assert.Equal(0, other.Optimizer.StepCount);
        Assert.Equal($"{path}: parameter 'user_tower/fc1.bias' is in the file but not in the model; the file was saved from a different model or configuration",
            Assert.Throws<TandemFileException>(() => Checkpoint.Restore(path, [other.UserTable, other.ItemTable, other.W], other.Optimizer)).Message);

        using var sgd = new Sgd(other.Parameters, 0.1f);
        Assert.Equal($"{path}: the checkpoint holds Adam optimizer state but the optimizer is Sgd; the file was saved from a different model or configuration",
            Assert.Throws<TandemFileException>(() => Checkpoint.Restore(path, other.Parameters, sgd)).Message);

        var model = new TandemFileWriter(TandemFileKind.Model);
        model.AddBytes("x", [1]);
        model.Save(dir.File("model.tandem"));
        Assert.Equal($"{dir.File("model.tandem")} is a Tandem model, not a checkpoint",
            Assert.Throws<TandemFileException>(() => Checkpoint.Restore(dir.File("model.tandem"), other.Parameters, other.Optimizer)).Message);
    }
}
