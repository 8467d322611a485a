using Tandem.Data.Batching;
using Tandem.Data.Schema;
using Tandem.Models.Calibration;
using Tandem.Models.Recipes;
using Tandem.Models.Towers;

namespace Tandem.Models.Ranking;

/// <summary>
/// A <see cref="Ranker"/> as the ranking stage. A pair's user and context fields (user, time, history)
/// come from the user's latest impression in the ranker's data and the item fields from an impression
/// of the item, so the stage's codes are rows of that data: a user or item it never shows cannot be
/// scored. Thread-safe: scoring reads the ranker's parameters only, on a tape of its own per call.
/// </summary>
public sealed class RankerStage : IRankingStage
{
    readonly ClickData data;
    readonly int[] latestRowOfUser, rowOfItem;
    // Features each of a pair's two gathers skips: those the ranker does not read, and the other side's.
    readonly Dictionary<string, IFeatureGather> userSkips, itemSkips;

    [ThreadStatic] static (EncodedData Data, Batch Users, Batch Items)? batches;

    /// <summary>The stage of <paramref name="ranker"/> over <paramref name="data"/>, its impressions.</summary>
    /// <exception cref="ModelException">The data has no user or item column.</exception>
    public RankerStage(Ranker ranker, ClickData data)
    {
        var log = data.Log;
        if (log.UserKeys is null || log.ItemKeys is null)
            throw new ModelException("the ranker's data has no user or item column, so it cannot rank a user's candidates; train the ranker on data with both (e.g. MovieLens)");
        (Ranker, this.data) = (ranker, data);
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
        userSkips = new(StringComparer.Ordinal);
        itemSkips = new(StringComparer.Ordinal);
        foreach (var f in data.Data.Features)
        {
            bool read = Reads(ranker.Options, f.Spec), item = f.Spec.Tower == Tower.Item;
            if (!read || item) userSkips[f.Name] = Skip.Instance;
            if (!read || !item) itemSkips[f.Name] = Skip.Instance;
        }
    }

    /// <summary>Whether a ranker of <paramref name="options"/> reads feature <paramref name="spec"/>: a field it embeds, or DIN's history.</summary>
    static bool Reads(RankerRecipe options, FeatureSpec spec) =>
        spec.Kind is FeatureKind.Id or FeatureKind.Categorical or FeatureKind.MultiCategorical or FeatureKind.Numeric or FeatureKind.Timestamp
            ? options.Features is null || options.Features.Contains(spec.Name)
            : options.Model == RankerKind.Din && spec.Kind == FeatureKind.Sequence && (options.History is null || options.History == spec.Name);

    /// <summary>Leaves a feature's buffers as they are: one the ranker does not read from this side.</summary>
    sealed class Skip : IFeatureGather
    {
        public static readonly Skip Instance = new();
        public void Gather(ReadOnlySpan<int> rows, BatchFeature feature) { }
    }

    /// <summary>The ranker.</summary>
    public Ranker Ranker { get; }

    /// <inheritdoc/>
    public Calibrator Calibration => Ranker.Calibration;

    /// <inheritdoc/>
    public int UserOf(string key) => data.Log.UserKeys!.CodeOf(key) is int code and >= 0 ? latestRowOfUser[code] : -1;

    /// <inheritdoc/>
    public int ItemOf(string key) => data.Log.ItemKeys!.CodeOf(key) is int code and >= 0 ? rowOfItem[code] : -1;

    /// <inheritdoc/>
    public void Score(int user, ReadOnlySpan<int> items, Span<float> logits)
    {
        int n = items.Length;
        if (n == 0) return;
        var userRows = new int[n];
        Array.Fill(userRows, user);
        // One pair of batches per thread, reused: scoring is synchronous, so no other call on the thread shares them.
        if (batches is not { } b || b.Data != data.Data) batches = b = (data.Data, data.Data.CreateBatch(), data.Data.CreateBatch());
        var (_, users, itemBatch) = b;
        data.Data.Fill(users, userRows, userSkips);
        data.Data.Fill(itemBatch, items, itemSkips);
        // Item fields from the item's impression, user and context fields (the history too) from the user's latest one.
        var input = new TowerInput(n, users.Features.ToDictionary(f => f.Name,
            f => FeatureInput.From(f.Spec.Tower == Tower.Item ? itemBatch[f.Name] : f), StringComparer.Ordinal));
        Ranker.Logits(input).CopyTo(logits);
    }

    /// <summary>
    /// The ranking stage for a retrieval model: the ranker at <paramref name="rankerPath"/> over its data (read from
    /// <paramref name="dataDir"/>), checked to score the candidates of <paramref name="model"/> (from <paramref name="modelPath"/>),
    /// whose catalogue is <paramref name="items"/>: both read users and items from the same columns, and the ranker knows some of the items.
    /// </summary>
    /// <exception cref="ModelException">The file is not a ranker, or the two were trained on data of other features.</exception>
    /// <exception cref="Tandem.IO.TandemFileException">The file is missing or corrupt.</exception>
    /// <exception cref="Tandem.Data.DataException">The ranker's data cannot be read.</exception>
    public static RankerStage Load(string rankerPath, string? dataDir, TwoTowerModel model, string modelPath, IReadOnlyList<string> items)
    {
        if (!RankerFile.IsRanker(rankerPath))
            throw new ModelException($"{rankerPath}: the file holds a two-tower model, not a ranker; train one with a \"ranker\" section");
        var ranker = RankerFile.Load(rankerPath);
        var theirs = ranker.Features.Schema;
        var ours = model.Features.Schema;
        foreach (var side in new[] { Tower.User, Tower.Item })
        {
            string name = side == Tower.User ? "user" : "item";
            string? rankerColumn = side == Tower.User ? theirs.Interactions.User : theirs.Interactions.Item;
            string? modelColumn = side == Tower.User ? ours.Interactions.User : ours.Interactions.Item;
            string modelFeature = ModelRecipe.IdFeature(ours, side);
            if (rankerColumn is null)
                throw new ModelException($"{rankerPath}: the ranker's data has no {name} column, so it cannot score {modelPath}'s candidates (whose {name} feature '{modelFeature}' reads column '{modelColumn}'); train the ranker on the retrieval model's data");
            if (rankerColumn != modelColumn)
                throw new ModelException($"{rankerPath}: the ranker reads {name}s from column '{rankerColumn}' but {modelPath}'s {name} feature '{modelFeature}' reads column '{modelColumn}'; train the ranker on the retrieval model's data");
        }
        var stage = new RankerStage(ranker, ClickData.Load(ranker.Recipe!, dataDir, ranker.Features));
        if (!items.Any(i => stage.ItemOf(i) >= 0))
            throw new ModelException($"{rankerPath}: none of {modelPath}'s {items.Count:N0} items (feature '{ModelRecipe.IdFeature(ours, Tower.Item)}', column '{ours.Interactions.Item}') is in the ranker's data; train the ranker on the retrieval model's data");
        return stage;
    }
}
