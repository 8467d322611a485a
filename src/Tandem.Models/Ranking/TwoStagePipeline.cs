using Tandem.Data.Schema;
using Tandem.Models.Towers;
using Tandem.Retrieval;

namespace Tandem.Models.Ranking;

/// <summary>One recommendation of a <see cref="TwoStagePipeline"/>.</summary>
/// <param name="Item">The item's key.</param>
/// <param name="RetrievalScore">The two-tower score that made it a candidate.</param>
/// <param name="Logit">The ranker's logit.</param>
/// <param name="Probability">The ranker's calibrated click probability.</param>
public readonly record struct RankedItem(string Item, float RetrievalScore, float Logit, double Probability);

/// <summary>
/// Retrieve, then rank: the two-tower model's embedded catalogue and its index give a user's top-N
/// unseen items, the ranker scores each (user, candidate) pair, and the top-K by calibrated click
/// probability are returned. The ranker reads a pair's user and context fields (user, time, history)
/// from the user's latest impression in its data and the item fields from an impression of the item,
/// so a candidate the ranker's data never shows is not scored (<see cref="Unscored"/> counts them).
/// Either stage is replaced by passing another catalogue and index, or another ranker. Not thread-safe.
/// </summary>
public sealed class TwoStagePipeline
{
    readonly EmbeddedCatalogue catalogue;
    readonly IVectorIndex index;
    readonly Ranker ranker;
    readonly ClickData data;
    readonly int[] latestRowOfUser, rowOfItem;

    /// <summary>A pipeline over a retrieval <paramref name="catalogue"/> searched with <paramref name="index"/> and a <paramref name="ranker"/> whose impressions are <paramref name="data"/>.</summary>
    /// <exception cref="ModelException">The ranker's data has no user or item column.</exception>
    public TwoStagePipeline(EmbeddedCatalogue catalogue, IVectorIndex index, Ranker ranker, ClickData data)
    {
        var log = data.Log;
        if (log.UserKeys is null || log.ItemKeys is null)
            throw new ModelException("the ranker's data has no user or item column, so it cannot rank a user's candidates; train the ranker on data with both (e.g. MovieLens)");
        (this.catalogue, this.index, this.ranker, this.data) = (catalogue, index, ranker, data);
        latestRowOfUser = new int[log.UserKeys.Count];
        rowOfItem = new int[log.ItemKeys.Count];
        Array.Fill(latestRowOfUser, -1);
        Array.Fill(rowOfItem, -1);
        var users = log.UserCodes;
        var items = log.ItemCodes;
        var time = log.Timestamps;
        for (int r = 0; r < log.Count; r++)
        {
            int u = latestRowOfUser[users[r]];
            if (u < 0 || time is not null && time[r] >= time[u]) latestRowOfUser[users[r]] = r;
            if (rowOfItem[items[r]] < 0) rowOfItem[items[r]] = r;
        }
    }

    /// <summary>Candidates of the last <see cref="Recommend"/> that the ranker could not score (items its data never shows).</summary>
    public int Unscored { get; private set; }

    /// <summary>The <paramref name="k"/> best of the user's top <paramref name="candidates"/> retrieved items by calibrated click probability (ties broken by the logit), best first.</summary>
    /// <exception cref="ModelException">The user is unknown to the retrieval model or the ranker, or a count is below 1.</exception>
    public IReadOnlyList<RankedItem> Recommend(string userKey, int candidates, int k)
    {
        if (candidates < 1 || k < 1) throw new ModelException($"candidates ({candidates}) and k ({k}) must be at least 1");
        int user = catalogue.UserOf(userKey);
        int rankerUser = data.Log.UserKeys!.CodeOf(userKey);
        if (user < 0 || rankerUser < 0) throw new ModelException($"user '{userKey}' is not in the {(user < 0 ? "retrieval model's" : "ranker's")} training data");
        var retrieved = catalogue.Recommend(index, user, candidates, Math.Max(EmbeddedCatalogue.DefaultEfSearch, candidates));
        var scored = retrieved.Where(c => ItemRow(catalogue.ItemKeys[c.Item]) >= 0).ToArray();
        Unscored = retrieved.Count - scored.Length;
        if (scored.Length == 0) return [];
        int n = scored.Length;
        using var users = data.Data.CreateBatch();
        using var items = data.Data.CreateBatch();
        data.Data.Fill(users, Enumerable.Repeat(latestRowOfUser[rankerUser], n).ToArray());
        data.Data.Fill(items, scored.Select(c => ItemRow(catalogue.ItemKeys[c.Item])).ToArray());
        // Item fields from the item's impression, user and context fields (the history too) from the user's latest one.
        var input = new TowerInput(n, users.Features.ToDictionary(f => f.Name,
            f => FeatureInput.From(f.Spec.Tower == Tower.Item ? items[f.Name] : f), StringComparer.Ordinal));
        var logits = ranker.Logits(input);
        return [.. scored.Select((c, i) => new RankedItem(catalogue.ItemKeys[c.Item], c.Score, logits[i], ranker.Calibration.Probability(logits[i])))
            .OrderByDescending(r => r.Probability).ThenByDescending(r => r.Logit).Take(k)];
    }

    int ItemRow(string key)
    {
        int code = data.Log.ItemKeys!.CodeOf(key);
        return code < 0 ? -1 : rowOfItem[code];
    }
}
