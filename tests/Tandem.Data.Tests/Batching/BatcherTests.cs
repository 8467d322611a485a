using Tandem.Data.Batching;
using Tandem.Data.Encoders;
using Tandem.Data.Splits;
using Tandem.Data.Tables;
using Tandem.Data.Tests.Datasets;

namespace Tandem.Data.Tests.Batching;

public class BatcherTests
{
    internal static readonly Lazy<(InteractionLog Log, Split Split, EncodedData Data)> Encoded = new(() =>
    {
        var log = MovieLensTests.Small.Value;
        var split = Splitter.LeaveLastOut(log);
        return (log, split, FittedFeatures.Fit(log, split.Train).Encode(log, split.Train));
    });

    static List<int[]> Epoch(Batcher batcher, int epoch) =>
        batcher.Epoch(epoch).Select(b => b.Rows[..b.Count]).ToList();

    [Fact]
    public void AnEpochCoversEveryRowOnceInShuffledBatches()
    {
        var (_, split, data) = Encoded.Value;
        using var batcher = new Batcher(data, split.Train, new BatchOptions { BatchSize = 1000, Seed = 1 });
        var batches = Epoch(batcher, 0);
        Assert.Equal(batcher.BatchesPerEpoch, batches.Count);
        Assert.Equal((split.Train.Length + 999) / 1000, batches.Count);
        Assert.All(batches.SkipLast(1), b => Assert.Equal(1000, b.Length));
        Assert.Equal(split.Train.Length % 1000, batches[^1].Length);
        var rows = batches.SelectMany(b => b).ToArray();
        Assert.Equal(split.Train, rows.Order());
        Assert.NotEqual(split.Train, rows); // shuffled
    }

    [Fact]
    public void OrderIsDeterministicBySeedAndDiffersByEpoch()
    {
        var (_, split, data) = Encoded.Value;
        using var a = new Batcher(data, split.Train, new BatchOptions { BatchSize = 512, Seed = 42 });
        using var b = new Batcher(data, split.Train, new BatchOptions { BatchSize = 512, Seed = 42 });
        using var c = new Batcher(data, split.Train, new BatchOptions { BatchSize = 512, Seed = 43 });
        var a0 = Epoch(a, 0).SelectMany(x => x).ToArray();
        Assert.Equal(a0, Epoch(b, 0).SelectMany(x => x));
        Assert.NotEqual(a0, Epoch(c, 0).SelectMany(x => x));
        Assert.NotEqual(a0, Epoch(a, 1).SelectMany(x => x));
        Assert.Equal(a0, Epoch(a, 0).SelectMany(x => x));
    }

    [Fact]
    public void BatchesHoldTheEncodedFeaturesOfTheirRows()
    {
        var (log, split, data) = Encoded.Value;
        using var batcher = new Batcher(data, split.Test, new BatchOptions { BatchSize = 100, Shuffle = false, Prefetch = 3 });
        var reference = data.CreateBatch();
        int seen = 0;
        foreach (var batch in batcher.Epoch(0))
        {
            data.Fill(reference, batch.Rows.AsSpan(0, batch.Count));
            Assert.Equal(split.Test.AsSpan(seen, batch.Count).ToArray(), batch.Rows[..batch.Count]);
            foreach (var f in batch.Features)
            {
                var r = reference[f.Name];
                Assert.Equal(r.Ids[..r.IdCount], f.Ids[..f.IdCount]);
                Assert.Equal(r.Values?.Span.ToArray(), f.Values?.Span.ToArray());
                if (f.Spec.Kind == Tandem.Data.Schema.FeatureKind.MultiCategorical) Assert.Equal(r.Offsets[..(batch.Count + 1)], f.Offsets[..(batch.Count + 1)]);
            }
            Assert.Equal([batch.Count], batch.Labels.Shape.ToArray());
            Assert.All(batch.Labels.Span.ToArray(), y => Assert.Equal(1f, y));
            Assert.Equal([batch.Count, 50], batch["history"].Values!.Shape.ToArray());
            Assert.Equal([batch.Count, 1], batch["time.age"].Values!.Shape.ToArray());
            seen += batch.Count;
        }
        Assert.Equal(split.Test.Length, seen);
        Assert.Equal(610, seen);
        Assert.Equal(log.Count, data.Count);
    }

    [Fact]
    public void DropLastSkipsTheShortBatch()
    {
        var (_, split, data) = Encoded.Value;
        using var batcher = new Batcher(data, split.Test, new BatchOptions { BatchSize = 100, DropLast = true });
        var batches = Epoch(batcher, 0);
        Assert.Equal(6, batches.Count); // 610 test rows → 6 full batches of 100
        Assert.All(batches, b => Assert.Equal(100, b.Length));
    }

    [Fact]
    public void StoppingEarlyEndsTheProducer()
    {
        var (_, split, data) = Encoded.Value;
        using var batcher = new Batcher(data, split.Train, new BatchOptions { BatchSize = 32 });
        Assert.Equal(3, batcher.Epoch(0).Take(3).Count());
        Assert.Equal(batcher.BatchesPerEpoch, batcher.Epoch(1).Count());
    }
}

public class BatcherAllocationTests
{
    [Fact]
    public void SteadyStateAllocatesNothingPerBatch()
    {
        var (_, split, data) = BatcherTests.Encoded.Value;
        using var batcher = new Batcher(data, split.Train, new BatchOptions { BatchSize = 64, DropLast = true });
        (long Consumer, long Producer) Run(int epoch)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            int n = 0;
            foreach (var batch in batcher.Epoch(epoch)) n += batch.Count;
            Assert.Equal(batcher.BatchesPerEpoch * 64, n);
            return (GC.GetAllocatedBytesForCurrentThread() - before, batcher.ProducerAllocatedBytes);
        }
        Run(0); // warm-up grows the reusable buffers
        var (consumer, producer) = Run(1);
        // ~1,566 batches per epoch: a per-batch allocation of even 8 bytes would exceed these bounds.
        // The consumer pays once per epoch for the thread, the two queues and the iterator.
        Assert.True(producer < 1024, $"the producer allocated {producer} bytes over {batcher.BatchesPerEpoch} batches");
        Assert.True(consumer < 8 * 1024, $"the consumer allocated {consumer} bytes over {batcher.BatchesPerEpoch} batches");
    }
}
