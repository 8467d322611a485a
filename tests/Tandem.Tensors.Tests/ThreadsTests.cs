using Tandem.Tensors.Kernels;
using TensorKernels = Tandem.Tensors.Kernels.Kernels;

namespace Tandem.Tensors.Tests;

/// <summary><see cref="Threads.Use"/> scopes are per caller: nested, restored, carried into tasks and never seen by another thread.</summary>
public class ThreadsTests
{
    [Fact]
    public async Task ScopesNestAndRestore()
    {
        int outside = Threads.Count;
        using (Threads.Use(3))
        {
            Assert.Equal(3, Threads.Count);
            using (Threads.Use(1)) Assert.Equal(1, Threads.Count);
            Assert.Equal(3, Threads.Count);
            Assert.Equal(3, await Task.Run(() => Threads.Count)); // flows into tasks started inside
        }
        Assert.Equal(outside, Threads.Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => Threads.Use(0));
    }

    [Fact]
    public void TheCountCannotBeSetForTheWholeProcess() =>
        Assert.Null(typeof(Threads).GetProperty(nameof(Threads.Count))!.SetMethod);

    [Fact]
    public void TwoThreadsRunKernelsWithTheirOwnCounts()
    {
        const int rows = 600, cols = 257;
        var x = TestData.Uniform(rows * cols, seed: 11);
        var expected = new float[x.Length];
        using (Threads.Use(1)) TensorKernels.SoftmaxRows(x, cols, expected);
        var meet = new Barrier(2);
        var seen = new int[2, 3];
        var results = new[] { new float[x.Length], new float[x.Length] };
        var threads = new[] { 1, 2 }.Select((count, t) => new Thread(() =>
        {
            using (Threads.Use(count))
            {
                meet.SignalAndWait(); // both scopes are open now
                seen[t, 0] = Threads.Count;
                for (int repeat = 0; repeat < 20; repeat++) TensorKernels.SoftmaxRows(x, cols, results[t]);
                seen[t, 1] = Parallelism.Parts(Parallelism.MinWork);
                meet.SignalAndWait();
                seen[t, 2] = Threads.Count;
            }
        })).ToArray();
        foreach (var thread in threads) thread.Start();
        foreach (var thread in threads) thread.Join();
        for (int t = 0; t < 2; t++)
        {
            Assert.Equal([t + 1, t + 1, t + 1], new[] { seen[t, 0], seen[t, 1], seen[t, 2] });
            Assert.Equal(expected, results[t]); // bit-identical whatever the count
        }
    }
}
