namespace Tandem.Data.Batching;

/// <summary>
/// Shuffled, seeded mini-batches of <see cref="EncodedData"/>, prepared on a background thread
/// while the caller trains. A bounded queue holds at most <see cref="BatchOptions.Prefetch"/>
/// ready batches and Prefetch + 1 batches rotate, so in steady state an epoch allocates no
/// per-batch memory (a thread and an iterator per epoch). Thread-safety: one epoch at a time,
/// enumerated by one thread.
/// </summary>
public sealed class Batcher : IDisposable
{
    readonly EncodedData data;
    readonly int[] rows;
    readonly int[] order;
    readonly BatchOptions options;
    readonly Batch[] batches;

    /// <summary>Batches of the interactions <paramref name="rows"/> of <paramref name="data"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The batch size or prefetch is below 1, or a row is outside the data.</exception>
    public Batcher(EncodedData data, ReadOnlySpan<int> rows, BatchOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Prefetch, 1, nameof(options));
        foreach (int r in rows)
            if ((uint)r >= (uint)data.Count) throw new ArgumentOutOfRangeException(nameof(rows), r, $"Row {r} is outside data of {data.Count} interactions.");
        foreach (var name in options.Gathers?.Keys ?? [])
            if (!data.Features.Any(f => f.Name == name)) throw new ArgumentException($"A gather is given for feature '{name}', which the data does not have.", nameof(options));
        this.data = data;
        this.rows = rows.ToArray();
        order = new int[this.rows.Length];
        this.options = options;
        batches = new Batch[options.Prefetch + 1];
        for (int i = 0; i < batches.Length; i++) batches[i] = data.CreateBatch();
    }

    /// <summary>Batches per epoch.</summary>
    public int BatchesPerEpoch => options.DropLast ? rows.Length / options.BatchSize : (rows.Length + options.BatchSize - 1) / options.BatchSize;

    /// <summary>
    /// The batches of epoch <paramref name="epoch"/>, in an order fixed by (seed, epoch). Each batch
    /// is valid until the next one is requested. Stop early by disposing the enumerator.
    /// </summary>
    public IEnumerable<Batch> Epoch(int epoch)
    {
        rows.CopyTo(order, 0);
        if (options.Shuffle) new Random(unchecked(options.Seed * 1_000_003 + epoch) & int.MaxValue).Shuffle(order);
        var free = new BoundedQueue<Batch>(batches.Length);
        var ready = new BoundedQueue<Batch>(options.Prefetch);
        foreach (var b in batches) free.Add(b);
        var producer = new Thread(() => Produce(free, ready)) { IsBackground = true, Name = "Tandem batcher" };
        producer.Start();
        try
        {
            while (ready.Take(out var batch))
            {
                yield return batch;
                free.Add(batch);
            }
        }
        finally
        {
            free.Complete();
            ready.Complete();
            producer.Join();
        }
    }

    /// <summary>Bytes the background thread allocated during the last epoch (for the allocation test).</summary>
    internal long ProducerAllocatedBytes { get; private set; }

    void Produce(BoundedQueue<Batch> free, BoundedQueue<Batch> ready)
    {
        Exception? error = null;
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            int size = options.BatchSize;
            for (int start = 0; start < order.Length; start += size)
            {
                int count = Math.Min(size, order.Length - start);
                if (count < size && options.DropLast) break;
                if (!free.Take(out var batch)) return;
                data.Fill(batch, order.AsSpan(start, count), options.Gathers);
                if (!ready.Add(batch)) return;
            }
        }
        catch (Exception e) { error = e; }
        finally
        {
            ProducerAllocatedBytes = GC.GetAllocatedBytesForCurrentThread() - allocated;
            ready.Complete(error);
        }
    }

    /// <summary>Returns every batch's tensors to the pool. Not while an epoch is being enumerated.</summary>
    public void Dispose()
    {
        foreach (var b in batches) b.Dispose();
    }
}
