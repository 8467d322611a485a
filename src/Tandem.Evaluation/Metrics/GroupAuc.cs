namespace Tandem.Evaluation.Metrics;

/// <summary>
/// Group AUC (Zhou et al. 2018, DIN): the AUC of each group (user) on its own impressions, averaged
/// with each group weighted by its impression count, <c>Σ_u n_u·AUC_u / Σ_u n_u</c>. A group whose
/// impressions are all clicks or all non-clicks has no AUC and is left out of both sums.
/// </summary>
public static class GroupAuc
{
    /// <summary>Group AUC of <paramref name="scores"/> against 0/1 <paramref name="labels"/>, grouped by <paramref name="groups"/> (e.g. user codes).</summary>
    /// <returns>The weighted mean and the impressions of the groups counted.</returns>
    /// <exception cref="ArgumentException">The spans differ in length, a label is not 0 or 1, or a score is NaN.</exception>
    /// <exception cref="TandemException">No group has both a click and a non-click.</exception>
    public static (double Value, int Impressions) Compute(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels, ReadOnlySpan<int> groups)
    {
        if (scores.Length != labels.Length || groups.Length != labels.Length)
            EvaluationThrow.Argument($"{scores.Length} scores, {labels.Length} labels and {groups.Length} groups; pass one of each per impression.", nameof(groups));
        var byGroup = new Dictionary<int, List<int>>();
        for (int i = 0; i < groups.Length; i++)
        {
            if (!byGroup.TryGetValue(groups[i], out var rows)) byGroup[groups[i]] = rows = [];
            rows.Add(i);
        }
        double sum = 0;
        int counted = 0;
        foreach (var rows in byGroup.Values)
        {
            var s = new float[rows.Count];
            var y = new float[rows.Count];
            for (int j = 0; j < s.Length; j++) (s[j], y[j]) = (scores[rows[j]], labels[rows[j]]);
            if (!y.Contains(0f) || !y.Contains(1f)) continue;
            sum += rows.Count * Auc.Compute(s, y);
            counted += rows.Count;
        }
        if (counted == 0) EvaluationThrow.Input($"group AUC is undefined: none of {byGroup.Count} groups has both a click and a non-click");
        return (sum / counted, counted);
    }
}
