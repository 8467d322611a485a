using Tandem.Data.Batching;
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
        Counts = new int[feature.Cardinality];
        // Read the id of each training row through a batch, the only public view of encoded ids.
        const int chunk = 4096;
        for (int start = 0; start < trainRows.Length; start += chunk)
        {
            var part = trainRows.Slice(start, Math.Min(chunk, trainRows.Length - start));
            data.Fill(scratch, part);
            var got = scratch[itemFeature].Ids;
            for (int i = 0; i < part.Length; i++)
            {
                int id = got[i];
                Counts[id]++;
                if (rowOfItem[id] < 0) rowOfItem[id] = part[i];
            }
        }
        Items = Enumerable.Range(1, Math.Max(0, rowOfItem.Length - 1)).Where(i => rowOfItem[i] >= 0).ToArray();
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
        data.Fill(scratch, r);
        return TowerInput.From(scratch);
    }

    /// <summary>Returns the scratch batch's buffers.</summary>
    public void Dispose() => scratch.Dispose();
}
