using System.Diagnostics;

namespace Tandem.Evaluation.Ranking;

/// <summary>
/// Selects the K best entries of a score row without sorting it: a bounded heap whose root is the
/// worst entry kept, O(n + K log K · hits). Order: higher score first, equal scores by lower item id;
/// NaN entries (masked items) are never selected. One instance per thread.
/// </summary>
sealed class TopK(int k)
{
    readonly float[] scores = new float[k];
    readonly int[] ids = new int[k];
    int count;

    /// <summary>Writes the best min(K, non-NaN entries) item ids of <paramref name="row"/>, best first, and returns how many.</summary>
    public int Select(ReadOnlySpan<float> row, Span<int> destination)
    {
        Debug.Assert(destination.Length >= k);
        count = 0;
        int j = 0;
        for (; j < row.Length && count < k; j++)
        {
            if (float.IsNaN(row[j])) continue;
            scores[count] = row[j];
            ids[count] = j;
            SiftUp(count++);
        }
        // Items come in ascending id order, so an equal score loses to the root: strict '>' is the tie rule.
        // NaN fails the comparison, so masked items are skipped without a test of their own.
        for (; j < row.Length; j++)
        {
            if (!(row[j] > scores[0])) continue;
            scores[0] = row[j];
            ids[0] = j;
            SiftDown(0, count);
        }
        int selected = count;
        for (int last = count - 1; last >= 0; last--)
        {
            destination[last] = ids[0];
            scores[0] = scores[last];
            ids[0] = ids[last];
            SiftDown(0, last);
        }
        return selected;
    }

    bool Worse(int a, int b) => scores[a] < scores[b] || (scores[a] == scores[b] && ids[a] > ids[b]);

    void SiftUp(int i)
    {
        while (i > 0)
        {
            int parent = (i - 1) / 2;
            if (!Worse(i, parent)) return;
            Swap(i, parent);
            i = parent;
        }
    }

    void SiftDown(int i, int size)
    {
        while (true)
        {
            int worst = i, left = 2 * i + 1, right = left + 1;
            if (left < size && Worse(left, worst)) worst = left;
            if (right < size && Worse(right, worst)) worst = right;
            if (worst == i) return;
            Swap(i, worst);
            i = worst;
        }
    }

    void Swap(int a, int b)
    {
        (scores[a], scores[b]) = (scores[b], scores[a]);
        (ids[a], ids[b]) = (ids[b], ids[a]);
    }
}
