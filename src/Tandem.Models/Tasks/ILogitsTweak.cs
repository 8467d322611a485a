using Tandem.Tensors.Autograd;

namespace Tandem.Models.Tasks;

/// <summary>
/// One small change a retrieval task makes to a batch before its loss: fill in candidates'
/// log q, mask accidental hits, keep only hard negatives. Tweaks run in order, so they chain.
/// The scores passed in are the current raw scores (B × N, row-major), read-only.
/// </summary>
public interface ILogitsTweak
{
    /// <summary>Updates <paramref name="batch"/>'s LogQ or Mask.</summary>
    void Apply(CandidateBatch batch, ReadOnlySpan<float> scores);

    /// <summary>State kept between steps (e.g. <see cref="StreamingLogQ"/>'s counters), saved with the model; none by default.</summary>
    IReadOnlyList<StateBuffer> Buffers => [];
}

/// <summary>
/// Accidental-hit removal: a candidate column holding the same item as a row's positive (but not
/// the row's own column) is masked, so a popular item is not pushed away from users who chose it.
/// </summary>
public sealed class RemoveAccidentalHits : ILogitsTweak
{
    int[] keys = [], columns = [];

    /// <inheritdoc/>
    /// <remarks>Not thread-safe (reuses its sort buffers).</remarks>
    public void Apply(CandidateBatch batch, ReadOnlySpan<float> scores)
    {
        int n = batch.Columns, rows = batch.Rows;
        if (keys.Length < n) { keys = new int[n]; columns = new int[n]; }
        // Columns sorted by item: only columns within one run of equal items can collide, so this
        // costs a sort of N instead of comparing all B·N pairs.
        batch.Items.AsSpan(0, n).CopyTo(keys);
        for (int c = 0; c < n; c++) columns[c] = c;
        Array.Sort(keys, columns, 0, n);
        for (int start = 0, end; start < n; start = end)
        {
            for (end = start + 1; end < n && keys[end] == keys[start]; end++) { }
            for (int i = start; i < end && end - start > 1; i++)
            {
                int r = columns[i];
                if (r >= rows) continue;
                for (int j = start; j < end; j++)
                    if (columns[j] != r) batch.Mask[r * n + columns[j]] = true;
            }
        }
    }
}

/// <summary>
/// Hard-negative mining: keeps, per row, only the <see cref="Count"/> highest-scoring unmasked
/// negatives (the ones the current model confuses most) and masks the rest.
/// </summary>
public sealed class HardNegatives(int count) : ILogitsTweak
{
    /// <summary>Negatives kept per row.</summary>
    public int Count { get; } = count >= 1 ? count : throw new ArgumentOutOfRangeException(nameof(count), count, "Keep at least one hard negative.");

    /// <inheritdoc/>
    public void Apply(CandidateBatch batch, ReadOnlySpan<float> scores)
    {
        int n = batch.Columns;
        var order = new int[n];
        for (int r = 0; r < batch.Rows; r++)
        {
            var mask = batch.Mask.AsSpan(r * n, n);
            var row = scores.Slice(r * n, n);
            int m = 0;
            int target = batch.Targets[r];
            for (int c = 0; c < n; c++) if (c != target && !mask[c]) order[m++] = c;
            if (m <= Count) continue;
            var kept = order.AsSpan(0, m);
            var keys = new float[m];
            for (int i = 0; i < m; i++) keys[i] = -row[kept[i]];
            keys.AsSpan().Sort(kept); // highest score first
            foreach (int c in kept[Count..]) mask[c] = true;
        }
    }
}
