using Tandem.Data.Tables;
using Tandem.Tensors;

namespace Tandem.Models.Ranking;

/// <summary>
/// Non-clicks for an implicit log (every interaction a click): each click gets <c>ratio</c> sampled
/// non-clicks, its own user and context paired with an item drawn uniformly from the log's items
/// that user never interacted with (in any split), so a non-click stays in its click's split and
/// shares its time. Seeded: the same log, ratio and seed give the same non-clicks.
/// </summary>
static class SampledNegatives
{
    /// <summary>
    /// The examples of <paramref name="log"/> with the non-clicks appended: example e reads its
    /// user/context from interaction <c>Context[e]</c> and its item from <c>Item[e]</c> (the first
    /// <c>log.Count</c> are the interactions themselves), its label, and each of <paramref name="parts"/>
    /// (train, validation, test rows) with its clicks' non-clicks added.
    /// </summary>
    /// <exception cref="ModelException">The log has no user or item column.</exception>
    public static (int[] Context, int[] Item, float[] Labels, int[][] Parts) Add(InteractionLog log, int ratio, int seed, string file, params int[][] parts)
    {
        if (log.UserKeys is null || log.ItemKeys is null)
            throw new ModelException($"{file}: \"data.clicks\" is \"implicit\", which samples non-clicks among items a user never chose, but the schema names no {(log.UserKeys is null ? "user" : "item")} column; set it under \"interactions\"");
        var users = log.UserCodes;
        var items = log.ItemCodes;
        var seen = new HashSet<long>(log.Count);
        var rowOfItem = new Dictionary<int, int>();
        for (int r = 0; r < log.Count; r++)
        {
            seen.Add((long)users[r] << 32 | (uint)items[r]);
            rowOfItem.TryAdd(items[r], r);
        }
        int[] catalogue = [.. rowOfItem.Keys.Order()];
        var context = new List<int>(log.Count * (ratio + 1));
        var item = new List<int>(context.Capacity);
        for (int r = 0; r < log.Count; r++) { context.Add(r); item.Add(r); }
        var rng = new Rng(seed);
        var result = new int[parts.Length][];
        for (int p = 0; p < parts.Length; p++)
        {
            var rows = new List<int>(parts[p]);
            foreach (int r in parts[p])
                for (int n = 0; n < ratio; n++)
                {
                    // Rejection sampling: a user has seen a small share of the catalogue; one who has seen
                    // (almost) all of it gets fewer non-clicks rather than a loop without end.
                    for (int attempt = 0; attempt < 100; attempt++)
                    {
                        int candidate = catalogue[rng.Next(catalogue.Length)];
                        if (seen.Contains((long)users[r] << 32 | (uint)candidate)) continue;
                        rows.Add(context.Count);
                        context.Add(r);
                        item.Add(rowOfItem[candidate]);
                        break;
                    }
                }
            result[p] = [.. rows];
        }
        var labels = new float[context.Count];
        Array.Fill(labels, 1f, 0, log.Count);
        return ([.. context], [.. item], labels, result);
    }
}
