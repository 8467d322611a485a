using System.Runtime.CompilerServices;

namespace Tandem.Retrieval;

/// <summary>A binary min-heap of (key, node) pairs; push <c>-distance</c> to use it as a max-heap.</summary>
internal sealed class MinHeap
{
    float[] keys = new float[64];
    int[] nodes = new int[64];

    public int Count { get; private set; }
    public float TopKey => keys[0];
    public int TopNode => nodes[0];

    public void Clear() => Count = 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public void Push(float key, int node)
    {
        if (Count == keys.Length) { Array.Resize(ref keys, Count * 2); Array.Resize(ref nodes, Count * 2); }
        int i = Count++;
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            if (keys[parent] <= key) break;
            keys[i] = keys[parent]; nodes[i] = nodes[parent];
            i = parent;
        }
        keys[i] = key; nodes[i] = node;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Pop()
    {
        int n = --Count;
        if (n == 0) return;
        float key = keys[n]; int node = nodes[n];
        int i = 0;
        while (true)
        {
            int child = 2 * i + 1;
            if (child >= n) break;
            if (child + 1 < n && keys[child + 1] < keys[child]) child++;
            if (keys[child] >= key) break;
            keys[i] = keys[child]; nodes[i] = nodes[child];
            i = child;
        }
        keys[i] = key; nodes[i] = node;
    }
}
