using System.Diagnostics;

namespace Tandem.Models.Ranking;

/// <summary>
/// Retrieve, then rank: the retrieval stage gives a query's top-N candidates under the business
/// rules, the ranking stage scores each (user, candidate) pair with a click-through-rate model, the
/// diversity stage picks K of them (or the K likeliest clicks are kept), and each returned item
/// carries its calibrated click probability. Every stage is an interface, so any one is replaced
/// without touching the others; the ranker runs only for a user it knows (otherwise the answer is
/// retrieval's), and <see cref="PipelineResult.Stages"/> says which stages ran, with counts and times.
/// Thread-safe when its stages are.
/// </summary>
public sealed class TwoStagePipeline
{
    /// <summary>Stage names in <see cref="PipelineResult.Stages"/>.</summary>
    public const string RetrievalStage = "retrieval", RankerStage = "ranker", DiversityStage = "diversity";

    /// <summary>Most candidates or items one call may ask for.</summary>
    public const int MaxCandidates = 1000;

    readonly IReadOnlyList<string> itemKeys;
    readonly IRetrievalStage retrieval;
    readonly IDiversityStage? diversity;
    readonly int[] rankerItem;

    /// <summary>
    /// A pipeline over a catalogue of <paramref name="itemKeys"/> (by row, as <paramref name="retrieval"/>
    /// numbers them), ranking with <paramref name="ranking"/> (null: retrieval order) and diversifying
    /// with <paramref name="diversity"/> (null: none).
    /// </summary>
    public TwoStagePipeline(IReadOnlyList<string> itemKeys, IRetrievalStage retrieval, IRankingStage? ranking = null, IDiversityStage? diversity = null)
    {
        (this.itemKeys, this.retrieval, Ranking, this.diversity) = (itemKeys, retrieval, ranking, diversity);
        rankerItem = ranking is null ? [] : [.. itemKeys.Select(ranking.ItemOf)];
    }

    /// <summary>The ranking stage, or null.</summary>
    public IRankingStage? Ranking { get; }

    /// <summary>How many catalogue items the ranking stage can score.</summary>
    public int RankableItems => rankerItem.Count(c => c >= 0);

    /// <summary>
    /// The best <see cref="PipelineOptions.K"/> items for a user with retrieval query <paramref name="query"/>
    /// and key <paramref name="user"/> (null: unknown, so not ranked).
    /// </summary>
    /// <exception cref="ModelException">A count is outside 1 .. <see cref="MaxCandidates"/>, K exceeds the candidates, or the diversity weight is outside [0, 1].</exception>
    public PipelineResult Recommend(ReadOnlySpan<float> query, string? user, PipelineOptions options)
    {
        int n = options.Candidates, k = options.K;
        if (n is < 1 or > MaxCandidates || k < 1 || k > n)
            throw new ModelException($"candidates ({n}) must be between 1 and {MaxCandidates}, and k ({k}) between 1 and the candidates");
        if (!(options.Diversity is >= 0 and <= 1)) throw new ModelException($"the diversity weight is {options.Diversity}; it must be between 0 and 1");
        var stages = new List<StageReport>(3);
        long start = Stopwatch.GetTimestamp();
        var rows = new int[n];
        var scores = new float[n];
        int found = retrieval.Retrieve(query, options.Rules, rows, scores);
        start = Report(stages, RetrievalStage, found, start);

        // Candidates as positions into the retrieved list, with their relevance: the ranker's probability, else the retrieval score.
        var at = new int[found];
        var relevance = new float[found];
        float[]? logits = null;
        double[]? probabilities = null;
        int count = found, rankerUser = Ranking is not null && user is not null ? Ranking.UserOf(user) : -1;
        if (rankerUser >= 0)
        {
            var codes = new int[found];
            count = 0;
            for (int i = 0; i < found; i++)
            {
                int code = rows[i] >= 0 ? rankerItem[rows[i]] : -1;
                if (code < 0) continue;
                (at[count], codes[count]) = (i, code);
                count++;
            }
            logits = new float[count];
            probabilities = new double[count];
            Ranking!.Score(rankerUser, codes.AsSpan(0, count), logits);
            var calibration = Ranking.Calibration;
            for (int j = 0; j < count; j++) relevance[j] = (float)(probabilities[j] = calibration.Probability(logits[j]));
            start = Report(stages, RankerStage, count, start);
        }
        else
            for (int i = 0; i < found; i++) (at[i], relevance[i]) = (i, scores[i]);

        var order = new int[Math.Min(k, count)];
        if (options.Diversity > 0 && diversity is not null)
        {
            var candidateRows = new int[count];
            for (int j = 0; j < count; j++) candidateRows[j] = rows[at[j]];
            int picked = diversity.Select(relevance.AsSpan(0, count), candidateRows, k, options.Diversity, order);
            order = order[..picked];
            Report(stages, DiversityStage, picked, start);
        }
        else
        {
            var byRelevance = new int[count];
            for (int j = 0; j < count; j++) byRelevance[j] = j;
            // Retrieval lists best first already; ranked candidates go by probability, ties (isotonic steps) by logit.
            if (logits is not null)
            {
                var l = logits;
                byRelevance.AsSpan().Sort((a, b) => relevance[b] != relevance[a] ? relevance[b].CompareTo(relevance[a]) : l[b] != l[a] ? l[b].CompareTo(l[a]) : a.CompareTo(b));
            }
            byRelevance.AsSpan(0, order.Length).CopyTo(order);
        }

        var items = new RankedItem[order.Length];
        for (int r = 0; r < order.Length; r++)
        {
            int j = order[r], i = at[j], row = rows[i];
            items[r] = new RankedItem(row, row >= 0 ? itemKeys[row] : null, scores[i], logits?[j], probabilities?[j]);
        }
        return new PipelineResult(items, stages, found - count);
    }

    static long Report(List<StageReport> stages, string name, int count, long start)
    {
        long now = Stopwatch.GetTimestamp();
        stages.Add(new StageReport(name, count, Stopwatch.GetElapsedTime(start, now).TotalMilliseconds));
        return now;
    }
}
