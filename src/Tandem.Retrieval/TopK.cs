using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Tandem.Retrieval;

/// <summary>
/// The best K (smallest distance) of a stream of candidates: a max-heap whose root is the worst
/// kept candidate, so most candidates are rejected by one compare with <see cref="Threshold"/>.
/// </summary>
internal sealed class TopK
{
    float[] distances = [];
    long[] ids = [];

    public int Count { get; private set; }
    public int K { get; private set; }

    /// <summary>Empties the heap for a new query keeping at most <paramref name="k"/>.</summary>
    public void Reset(int k)
    {
        if (distances.Length < k) { distances = new float[k]; ids = new long[k]; }
        K = k;
        Count = 0;
    }

    /// <summary>Distances at or above this cannot enter.</summary>
    public float Threshold
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Count < K ? float.PositiveInfinity : distances[0];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Push(float distance, long id)
    {
        if (Count < K)
        {
            int i = Count++;
            while (i > 0)
            {
                int parent = (i - 1) >> 1;
                if (distances[parent] >= distance) break;
                distances[i] = distances[parent]; ids[i] = ids[parent];
                i = parent;
            }
            distances[i] = distance; ids[i] = id;
        }
        else if (distance < distances[0]) ReplaceTop(distance, id);
    }

    void ReplaceTop(float distance, long id)
    {
        int i = 0, n = Count;
        while (true)
        {
            int child = 2 * i + 1;
            if (child >= n) break;
            if (child + 1 < n && distances[child + 1] > distances[child]) child++;
            if (distances[child] <= distance) break;
            distances[i] = distances[child]; ids[i] = ids[child];
            i = child;
        }
        distances[i] = distance; ids[i] = id;
    }

    /// <summary>Merges another heap's candidates into this one.</summary>
    public void Merge(TopK other)
    {
        for (int i = 0; i < other.Count; i++) Push(other.distances[i], other.ids[i]);
    }

    /// <summary>Writes the kept candidates best first, padding with +inf and id -1 up to K; empties the heap.</summary>
    public void Drain(Span<float> outDistances, Span<long> outIds)
    {
        Debug.Assert(outDistances.Length >= K && outIds.Length >= K);
        for (int j = Count; j < K; j++) { outDistances[j] = float.PositiveInfinity; outIds[j] = -1; }
        while (Count > 0)
        {
            int last = Count - 1;
            outDistances[last] = distances[0]; outIds[last] = ids[0];
            float d = distances[last]; long id = ids[last];
            Count = last;
            if (last > 0) ReplaceTop(d, id);
        }
    }

    [ThreadStatic] static TopK? cached;

    /// <summary>A per-thread heap reset to <paramref name="k"/>.</summary>
    public static TopK ForThread(int k)
    {
        var heap = cached ??= new TopK();
        heap.Reset(k);
        return heap;
    }
}
