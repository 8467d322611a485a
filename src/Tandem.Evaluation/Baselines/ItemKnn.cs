using Tandem.Evaluation.Ranking;
using Tandem.Tensors;

namespace Tandem.Evaluation.Baselines;

/// <summary>
/// Item-based k-nearest neighbours: each item's most similar items by cosine similarity of their
/// user sets, <c>sim(i, j) = |users(i) ∩ users(j)| / √(|users(i)| · |users(j)|)</c>, kept for up to
/// <see cref="MostNeighbours"/> neighbours (most similar first, ties by lower id; only items sharing a user).
/// <see cref="Scorer"/> scores item j for user u as <c>Σ sim(i, j)</c> over the user's training items i
/// that have j among their first k neighbours. Fitting counts co-occurrences user by user, in time
/// Σ over items of Σ over their users of the user's item count; memory items × <see cref="MostNeighbours"/>.
/// Immutable after fitting, so safe to share between threads.
/// </summary>
public sealed class ItemKnn
{
    readonly UserItemSets training;
    readonly int[] neighbours;
    readonly float[] similarities;
    readonly bool[] trained;

    ItemKnn(UserItemSets training, int mostNeighbours, int[] neighbours, float[] similarities)
    {
        this.training = training;
        MostNeighbours = mostNeighbours;
        this.neighbours = neighbours;
        this.similarities = similarities;
        trained = TrainedItems.Of(training);
    }

    /// <summary>Neighbours kept per item (a scorer may use fewer).</summary>
    public int MostNeighbours { get; }

    /// <summary>Finds up to <paramref name="mostNeighbours"/> neighbours of every item of <paramref name="training"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="mostNeighbours"/> is below 1.</exception>
    public static ItemKnn Fit(UserItemSets training, int mostNeighbours)
    {
        ArgumentNullException.ThrowIfNull(training);
        if (mostNeighbours < 1) EvaluationThrow.OutOfRange($"mostNeighbours is {mostNeighbours}; keep at least one neighbour.", nameof(mostNeighbours), mostNeighbours);
        int items = training.ItemCount;
        // The transpose: the users of each item.
        var itemUsers = new List<int>[items];
        for (int u = 0; u < training.UserCount; u++)
            foreach (int i in training[u]) (itemUsers[i] ??= []).Add(u);
        var neighbours = new int[(long)items * mostNeighbours];
        var similarities = new float[neighbours.Length];
        Array.Fill(neighbours, -1);
        Parallel.For(0, items, new ParallelOptions { MaxDegreeOfParallelism = Threads.Count },
            () => (Shared: new int[items], Touched: new List<int>(), Top: new TopK<int>(mostNeighbours), Keys: new float[mostNeighbours]), (i, _, s) =>
            {
                if (itemUsers[i] is not { } users) return s;
                foreach (int u in users)
                    foreach (int j in training[u])
                        if (j != i && s.Shared[j]++ == 0) s.Touched.Add(j);
                foreach (int j in s.Touched)
                {
                    // Keys are negated similarities, so the smallest keys are the most similar items.
                    s.Top.Push(-(float)(s.Shared[j] / Math.Sqrt((double)users.Count * itemUsers[j]!.Count)), j);
                    s.Shared[j] = 0;
                }
                s.Touched.Clear();
                var row = similarities.AsSpan(i * mostNeighbours, mostNeighbours);
                int kept = s.Top.Drain(s.Keys, neighbours.AsSpan(i * mostNeighbours, mostNeighbours));
                for (int n = 0; n < kept; n++) row[n] = -s.Keys[n];
                return s;
            }, _ => { });
        return new ItemKnn(training, mostNeighbours, neighbours, similarities);
    }

    /// <summary>Scores the training users from each of their items' first <paramref name="k"/> neighbours.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is below 1 or above <see cref="MostNeighbours"/>.</exception>
    public IScorer Scorer(int k)
    {
        if (k < 1 || k > MostNeighbours) EvaluationThrow.OutOfRange($"k is {k}; use 1 to {MostNeighbours} neighbours (the most fitted).", nameof(k), k);
        return new DelegateScorer(training.UserCount, training.ItemCount, (user, row) =>
        {
            row.Clear();
            foreach (int i in training[user])
            {
                var ids = neighbours.AsSpan(i * MostNeighbours, k);
                var sims = similarities.AsSpan(i * MostNeighbours, k);
                for (int n = 0; n < k && ids[n] >= 0; n++) row[ids[n]] += sims[n];
            }
            TrainedItems.Mask(row, trained);
        });
    }
}
