using Tandem.Data.Batching;
using Tandem.Data.Schema;
using Tandem.Models.Towers;

namespace Tandem.Models;

/// <summary>
/// Every item the model knows (the item id feature's vocabulary ids 1..N − 1) with one training
/// interaction that carries its features, so the item tower can embed any item, or any list of
/// items (sampled negatives), from the encoded data. Item features never depend on the user,
/// so any interaction with the item gives the same item-tower input.
/// Not thread-safe (one scratch batch).
/// </summary>
public sealed class ItemInputs : IDisposable
{
    readonly EncodedData data;
    readonly int[] rowOfItem;
    readonly Batch scratch;
    readonly Dictionary<string, IFeatureGather> skipUserSide;

    /// <summary>The catalogue of the item ids of <paramref name="itemFeature"/> seen in <paramref name="trainRows"/>.</summary>
    /// <exception cref="ModelException">The data has no such id feature.</exception>
    public ItemInputs(EncodedData data, ReadOnlySpan<int> trainRows, string itemFeature)
    {
        var feature = data.Features.FirstOrDefault(f => f.Name == itemFeature)
            ?? throw new ModelException($"The data has no feature '{itemFeature}' to number items by; features: {string.Join(", ", data.Features.Select(f => f.Name))}.");
        this.data = data;
        ItemFeature = itemFeature;
        rowOfItem = new int[feature.Cardinality];
        Array.Fill(rowOfItem, -1);
        scratch = data.CreateBatch();
        // The item tower never reads user or context features; gathering them (histories of
        // hundreds of events per row) for the whole catalogue would dominate a full softmax's step.
        skipUserSide = data.Features.Where(f => f.Spec.Tower != Tower.Item).ToDictionary(f => f.Name, _ => (IFeatureGather)SkipGather.Instance, StringComparer.Ordinal);
        Counts = new int[feature.Cardinality];
        var ids = IdsOf(data, trainRows, itemFeature);
        for (int i = 0; i < ids.Length; i++)
        {
            Counts[ids[i]]++;
            if (rowOfItem[ids[i]] < 0) rowOfItem[ids[i]] = trainRows[i];
        }
        Items = Enumerable.Range(1, Math.Max(0, rowOfItem.Length - 1)).Where(i => rowOfItem[i] >= 0).ToArray();
    }

    /// <summary>The id of <paramref name="feature"/> in each of <paramref name="rows"/>.</summary>
    internal static int[] IdsOf(EncodedData data, ReadOnlySpan<int> rows, string feature)
    {
        var ids = new int[rows.Length];
        using var batch = data.CreateBatch();
        // Read through a batch, the only public view of encoded ids.
        const int chunk = 4096;
        for (int start = 0; start < rows.Length; start += chunk)
        {
            var part = rows.Slice(start, Math.Min(chunk, rows.Length - start));
            data.Fill(batch, part);
            batch[feature].Ids.AsSpan(0, part.Length).CopyTo(ids.AsSpan(start));
        }
        return ids;
    }

    /// <summary>The feature whose ids number the items.</summary>
    public string ItemFeature { get; }
    /// <summary>The item ids with a training interaction, ascending.</summary>
    public IReadOnlyList<int> Items { get; }
    /// <summary>Training interactions per item id (index = id).</summary>
    public int[] Counts { get; }
    /// <summary>Number of item ids (the id feature's cardinality).</summary>
    public int Cardinality => rowOfItem.Length;

    /// <summary>The interaction holding item <paramref name="item"/>'s features, or -1 if it has none.</summary>
    public int RowOf(int item) => (uint)item < (uint)rowOfItem.Length ? rowOfItem[item] : -1;

    /// <summary>The tower input of <paramref name="items"/>; valid until the next call.</summary>
    /// <exception cref="ModelException">An item has no training interaction.</exception>
    public TowerInput Input(ReadOnlySpan<int> items)
    {
        var r = new int[items.Length];
        for (int i = 0; i < items.Length; i++)
            if ((r[i] = RowOf(items[i])) < 0) ModelThrow.Config($"Item id {items[i]} has no training interaction, so its features are unknown.");
        data.Fill(scratch, r, skipUserSide);
        return TowerInput.From(scratch);
    }

    /// <summary>Returns the scratch batch's buffers.</summary>
    public void Dispose() => scratch.Dispose();
}
