namespace Tandem.Evaluation.Ranking;

/// <summary>Options of <see cref="RankingEvaluator"/>. <c>default</c> gives the documented defaults.</summary>
public readonly record struct RankingOptions
{
    /// <summary>The cutoff K of Recall@K, HitRate@K, NDCG@K, MAP@K and Coverage@K, and the length of recommendation lists. Default 10; at least 1.</summary>
    public int K
    {
        get => field == 0 ? 10 : field;
        init => field = EvaluationThrow.IfCutoffNotPositive(value, nameof(K));
    }

    /// <summary>
    /// Users scored at once per thread; memory is <c>threads × BlockUsers × ItemCount</c> floats.
    /// Default 0: automatic, at most 16 MiB of scores per thread and at least 32 blocks when there are
    /// enough users (for load balance), whatever the thread count. Results do not depend on it beyond
    /// the scorer's own float rounding.
    /// </summary>
    public int BlockUsers
    {
        get;
        init => field = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(BlockUsers), value, $"BlockUsers is {value}; use 0 (automatic) or a positive count.");
    }

    /// <summary>Threads to use. Default 0: <see cref="Tandem.Tensors.Threads.Count"/>. Results do not depend on it.</summary>
    public int Threads
    {
        get;
        init => field = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(Threads), value, $"Threads is {value}; use 0 (Tandem.Tensors.Threads.Count) or a positive count.");
    }
}
