using Tandem.Data.Batching;
using Tandem.Data.Encoders;
using Tandem.Data.Histories;
using Tandem.Data.Schema;
using Tandem.Data.Tables;
using Tandem.Models.Towers;

namespace Tandem.Models;

/// <summary>
/// The user tower's input for every user at evaluation or serving time: the user's features from
/// one of their training interactions, and each history (sequence) feature replaced by the
/// user's most recent training events (most recent first, at most MaxLength), i.e. the history
/// "now" rather than before that interaction, with times since each event measured from the newest
/// training interaction. Users are the log's user codes 0..UserCount − 1.
/// Not thread-safe (one scratch batch).
/// </summary>
public sealed class UserInputs : IDisposable
{
    readonly EncodedData data;
    readonly int[] rowOfUser;
    readonly Batch scratch;
    readonly (FeatureSpec Spec, int[] IdOfCode, int[] Codes)[] sequences;
    readonly HistoryIndex history;
    readonly int[] userOfRow;
    readonly long[]? times;
    readonly long now;
    readonly Dictionary<string, IFeatureGather> replaced;

    /// <summary>The users of <paramref name="log"/> with their training rows <paramref name="trainRows"/>.</summary>
    public UserInputs(InteractionLog log, FittedFeatures fitted, EncodedData data, ReadOnlySpan<int> trainRows)
    {
        this.data = data;
        UserCount = log.UserKeys?.Count ?? throw new ModelException("The log has no user column; set \"user\" under \"interactions\".");
        rowOfUser = new int[UserCount];
        Array.Fill(rowOfUser, -1);
        var users = log.UserCodes;
        userOfRow = users.ToArray();
        times = log.Timestamps;
        now = fitted.ReferenceTime;
        foreach (int r in trainRows)
            if (rowOfUser[users[r]] < 0) rowOfUser[users[r]] = r;
        scratch = data.CreateBatch();
        history = HistoryIndex.Build(log, trainRows);
        sequences = fitted.Schema.Features.Where(f => f.Kind == FeatureKind.Sequence).Select(f =>
        {
            var column = log.Interactions.Get<KeyColumn>(f.Column);
            return (f, ((CategoricalEncoder)fitted[f.Name]).Map(column.Keys), column.Codes.ToArray());
        }).ToArray();
        replaced = sequences.ToDictionary(s => s.Spec.Name, _ => (IFeatureGather)SkipGather.Instance, StringComparer.Ordinal);
    }

    /// <summary>Number of users (user codes).</summary>
    public int UserCount { get; }

    /// <summary>Whether <paramref name="user"/> has a training interaction.</summary>
    public bool HasTraining(int user) => rowOfUser[user] >= 0;

    /// <summary>The tower input of <paramref name="users"/>; valid until the next call.</summary>
    /// <exception cref="ModelException">A user has no training interaction.</exception>
    public TowerInput Input(ReadOnlySpan<int> users)
    {
        var rows = new int[users.Length];
        for (int i = 0; i < users.Length; i++)
            if ((rows[i] = rowOfUser[users[i]]) < 0) ModelThrow.Config($"User {users[i]} has no training interaction, so the user tower has no input for them.");
        data.Fill(scratch, rows, replaced);
        var input = TowerInput.From(scratch);
        foreach (var (spec, idOfCode, codes) in sequences)
        {
            int max = spec.MaxLength;
            var ids = new int[users.Length * max];
            var lengths = new int[users.Length];
            var since = Tandem.Tensors.Tensor.Zeros(users.Length, max);
            for (int b = 0; b < users.Length; b++)
            {
                var events = history.Before(users[b], long.MaxValue);
                int n = Math.Min(events.Length, max);
                for (int j = 0; j < n; j++)
                {
                    int row = events[events.Length - 1 - j];
                    ids[b * max + j] = idOfCode[codes[row]];
                    // Time since each event, as the batcher encodes it, measured from the newest training interaction.
                    if (times is not null) since[b, j] = (float)Math.Log(1 + Math.Max(0, now - times[row]) / 3600.0);
                }
                lengths[b] = n;
            }
            input.Set(spec.Name, new FeatureInput { Ids = ids, Lengths = lengths, Values = since });
        }
        return input;
    }

    /// <summary>
    /// Gathers for each history feature of training batches: the user's most recent training
    /// events other than the example's own event, i.e. the history a user has at evaluation,
    /// minus the target, with no times since (events after the example have none). Under a random
    /// (not temporal) split this matches what the model sees at test time, where causal histories
    /// teach it to predict the user's later training items instead (see docs/models.md). The
    /// batcher runs them on its own thread, in place of gathering the causal histories.
    /// </summary>
    public IReadOnlyDictionary<string, IFeatureGather> LeaveOneOutGathers => field ??=
        sequences.ToDictionary(s => s.Spec.Name, s => (IFeatureGather)new TrainingHistory(this, s.IdOfCode, s.Codes, leaveOut: true), StringComparer.Ordinal);

    /// <summary>
    /// Gathers for each history feature of training batches: the user's most recent training
    /// events, the example's own included (a row stands for its user: <see cref="UserExamples"/>).
    /// </summary>
    public IReadOnlyDictionary<string, IFeatureGather> HistoryGathers => field ??=
        sequences.ToDictionary(s => s.Spec.Name, s => (IFeatureGather)new TrainingHistory(this, s.IdOfCode, s.Codes, leaveOut: false), StringComparer.Ordinal);

    /// <summary>The training interactions of <paramref name="user"/>, oldest first.</summary>
    internal ReadOnlySpan<int> TrainingRows(int user) => history.Before(user, long.MaxValue);

    /// <summary>The first history (sequence) feature's spec and the id each interaction has in it; null without one.</summary>
    internal (FeatureSpec Spec, Func<int, int> IdOf)? FirstHistory =>
        sequences.Length == 0 ? null : (sequences[0].Spec, row => sequences[0].IdOfCode[sequences[0].Codes[row]]);

    /// <summary>The user code of interaction <paramref name="row"/>.</summary>
    public int UserOf(int row) => userOfRow[row];

    /// <summary>One training interaction of each user who has one (their first), by ascending user code.</summary>
    public int[] FirstRows() => [.. rowOfUser.Where(r => r >= 0)];

    sealed class TrainingHistory(UserInputs users, int[] idOfCode, int[] codes, bool leaveOut) : IFeatureGather
    {
        public void Gather(ReadOnlySpan<int> rows, BatchFeature feature)
        {
            int max = feature.Spec.MaxLength;
            feature.ClearSequence(rows.Length);
            var ids = feature.Ids;
            var lengths = feature.Lengths;
            for (int b = 0; b < rows.Length; b++)
            {
                var events = users.history.Before(users.userOfRow[rows[b]], long.MaxValue);
                int n = 0;
                for (int e = events.Length - 1; e >= 0 && n < max; e--)
                    if (!leaveOut || events[e] != rows[b]) ids[b * max + n++] = idOfCode[codes[events[e]]];
                lengths[b] = n;
            }
        }
    }

    /// <summary>Returns the scratch batch's buffers.</summary>
    public void Dispose() => scratch.Dispose();
}
