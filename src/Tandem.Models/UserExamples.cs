using Tandem.Data.Batching;

namespace Tandem.Models;

/// <summary>
/// Training examples one per user instead of one per interaction (Mult-DAE, Liang et al. 2018):
/// a batch row stands for its user, whose tower reads their whole training history (denoised by
/// the history's dropout), and whose targets are every item of that history, scored against the
/// whole catalogue in one multinomial log-likelihood (<see cref="TwoTowerModel.UserExamples"/>).
/// Read-only after construction.
/// </summary>
public sealed class UserExamples
{
    readonly UserInputs users;
    readonly int[] offsets, items;

    /// <summary>The users of <paramref name="trainRows"/> (as <paramref name="users"/> knows them) and their items of <paramref name="itemFeature"/>.</summary>
    public UserExamples(EncodedData data, ReadOnlySpan<int> trainRows, UserInputs users, string itemFeature)
    {
        this.users = users;
        var ids = ItemInputs.IdsOf(data, trainRows, itemFeature);
        offsets = new int[users.UserCount + 1];
        foreach (int r in trainRows) offsets[users.UserOf(r) + 1]++;
        for (int u = 0; u < users.UserCount; u++) offsets[u + 1] += offsets[u];
        items = new int[trainRows.Length];
        var next = offsets[..^1];
        for (int i = 0; i < trainRows.Length; i++) items[next[users.UserOf(trainRows[i])]++] = ids[i];
        Rows = users.FirstRows();
    }

    /// <summary>One row per user with training interactions, the rows the trainer batches.</summary>
    public int[] Rows { get; }

    /// <summary>The training item ids of the user of interaction <paramref name="row"/>.</summary>
    public ReadOnlySpan<int> Items(int row)
    {
        int u = users.UserOf(row);
        return items.AsSpan(offsets[u], offsets[u + 1] - offsets[u]);
    }

    /// <summary>The batches' histories: each user's whole training history (<see cref="UserInputs.HistoryGathers"/>).</summary>
    public IReadOnlyDictionary<string, IFeatureGather> Gathers => users.HistoryGathers;
}
