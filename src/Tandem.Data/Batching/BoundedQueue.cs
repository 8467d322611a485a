namespace Tandem.Data.Batching;

/// <summary>
/// A blocking bounded FIFO on a ring buffer and a monitor. It replaces
/// <see cref="System.Threading.Channels.Channel"/> here because a synchronous wait on a channel
/// goes through <c>AsTask()</c> and allocates a task per wait, which is per-batch garbage.
/// Safe for one producer and one consumer thread.
/// </summary>
sealed class BoundedQueue<T>(int capacity) where T : class
{
    readonly T?[] items = new T?[capacity];
    readonly object gate = new();
    int head, count;
    bool completed;
    Exception? error;

    /// <summary>Blocks while full; false if the queue was completed.</summary>
    public bool Add(T item)
    {
        lock (gate)
        {
            while (count == items.Length && !completed) Monitor.Wait(gate);
            if (completed) return false;
            items[(head + count) % items.Length] = item;
            count++;
            Monitor.PulseAll(gate);
            return true;
        }
    }

    /// <summary>Blocks while empty; false once completed and drained. Rethrows the producer's error.</summary>
    public bool Take(out T item)
    {
        lock (gate)
        {
            while (count == 0 && !completed) Monitor.Wait(gate);
            if (count == 0)
            {
                item = null!;
                if (error is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
                return false;
            }
            item = items[head]!;
            items[head] = null;
            head = (head + 1) % items.Length;
            count--;
            Monitor.PulseAll(gate);
            return true;
        }
    }

    /// <summary>No more items; wakes every waiter. <paramref name="failure"/> is rethrown to the consumer.</summary>
    public void Complete(Exception? failure = null)
    {
        lock (gate)
        {
            completed = true;
            error ??= failure;
            Monitor.PulseAll(gate);
        }
    }
}
