using Tandem.Data.Batching;
using Tandem.Models.Towers;
using Tandem.Tensors;

namespace Tandem.Models;

/// <summary>
/// Training examples one per user instead of one per interaction (Mult-DAE, Liang et al. 2018):
/// a batch row stands for its user, whose tower reads their training history, and whose targets
/// are the items of that history, scored against the whole catalogue in one multinomial
/// log-likelihood (<see cref="TwoTowerModel.UserExamples"/>): every item (the history denoised by
/// the tower's history dropout), or only a random share held out of the history at each step
/// (<see cref="HoldOut"/>). Not thread-safe (one training thread).
/// </summary>
public sealed class UserExamples
{
    readonly UserInputs users;
    readonly int[] offsets, items, historyIds;
    readonly string? history;
    readonly int maxLength;
    readonly List<int> held = [];

    /// <summary>The users of <paramref name="trainRows"/> (as <paramref name="users"/> knows them) and their items of <paramref name="itemFeature"/>.</summary>
    public UserExamples(EncodedData data, ReadOnlySpan<int> trainRows, UserInputs users, string itemFeature)
    {
        this.users = users;
        var ids = ItemInputs.IdsOf(data, trainRows, itemFeature);
        var itemOfRow = new Dictionary<int, int>(trainRows.Length);
        for (int i = 0; i < trainRows.Length; i++) itemOfRow[trainRows[i]] = ids[i];
        var first = users.FirstHistory;
        (history, maxLength) = first is { } h ? (h.Spec.Name, h.Spec.MaxLength) : (null, 0);
        offsets = new int[users.UserCount + 1];
        items = new int[trainRows.Length];
        historyIds = new int[first is null ? 0 : trainRows.Length];
        int at = 0;
        for (int u = 0; u < users.UserCount; u++)
        {
            // Most recent first, as histories are read.
            var rows = users.TrainingRows(u);
            for (int e = rows.Length - 1; e >= 0; e--, at++)
            {
                items[at] = itemOfRow[rows[e]];
                if (first is { } f) historyIds[at] = f.IdOf(rows[e]);
            }
            offsets[u + 1] = at;
        }
        Rows = users.FirstRows();
    }

    /// <summary>One row per user with training interactions, the rows the trainer batches.</summary>
    public int[] Rows { get; }

    /// <summary>The training item ids of the user of interaction <paramref name="row"/>, most recent first.</summary>
    public ReadOnlySpan<int> Items(int row)
    {
        int u = users.UserOf(row);
        return items.AsSpan(offsets[u], offsets[u + 1] - offsets[u]);
    }

    /// <summary>The batches' histories: each user's whole training history (<see cref="UserInputs.HistoryGathers"/>).</summary>
    public IReadOnlyDictionary<string, IFeatureGather> Gathers => users.HistoryGathers;

    /// <summary>
    /// Holds out each of the users' items of <paramref name="rows"/> with probability
    /// <paramref name="share"/>: the rest (the most recent up to the history's length) replace the
    /// history of <paramref name="input"/>, the held-out ones are returned as each row's targets
    /// (<paramref name="counts"/>[r] of them, in row order). Valid until the next call.
    /// </summary>
    /// <exception cref="ModelException">The user tower reads no history.</exception>
    public ReadOnlySpan<int> HoldOut(ReadOnlySpan<int> rows, float share, Rng rng, TowerInput input, Span<int> counts)
    {
        if (history is null) ModelThrow.Config("task.holdOut splits each user's history into input and targets, but the data has no history (sequence) feature.");
        held.Clear();
        var ids = new int[rows.Length * maxLength];
        var lengths = new int[rows.Length];
        for (int r = 0; r < rows.Length; r++)
        {
            int u = users.UserOf(rows[r]), before = held.Count;
            for (int i = offsets[u]; i < offsets[u + 1]; i++)
                if (rng.NextSingle() < share) held.Add(items[i]);
                else if (lengths[r] < maxLength) ids[r * maxLength + lengths[r]++] = historyIds[i];
            counts[r] = held.Count - before;
        }
        input.Set(history, new FeatureInput { Ids = ids, Lengths = lengths });
        return System.Runtime.InteropServices.CollectionsMarshal.AsSpan(held);
    }
}
