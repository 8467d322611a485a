using Tandem.Data.Histories;
using Tandem.Data.Schema;

namespace Tandem.Data.Batching;

/// <summary>
/// A feature encoded for every row of its table, gathered into batches by interaction.
/// <c>rowMap</c> maps an interaction to its side-table row (-1: none, so the missing value is used);
/// null for features of the interactions table. Immutable; gathering is thread-safe per destination.
/// </summary>
public abstract class EncodedFeature(string name, FeatureSpec spec, int[]? rowMap, int cardinality)
{
    /// <summary>Name in the batch.</summary>
    public string Name { get; } = name;

    /// <summary>The declared feature.</summary>
    public FeatureSpec Spec { get; } = spec;

    /// <summary>Number of distinct ids; 0 for numbers, vectors and text.</summary>
    public int Cardinality { get; } = cardinality;

    internal BatchFeature CreateBatchFeature() => new(Name, Spec, Cardinality);

    /// <summary>Fills <paramref name="destination"/> with the examples <paramref name="interactions"/>.</summary>
    internal abstract void Gather(ReadOnlySpan<int> interactions, BatchFeature destination);

    protected int RowOf(int interaction) => rowMap is null ? interaction : rowMap[interaction];
}

/// <summary>One id per row.</summary>
sealed class IdFeature(string name, FeatureSpec spec, int[]? rowMap, int[] ids, int cardinality, int missingId = 0)
    : EncodedFeature(name, spec, rowMap, cardinality)
{
    internal override void Gather(ReadOnlySpan<int> interactions, BatchFeature d)
    {
        var dest = d.Ids = BatchFeature.Ensure(d.Ids, interactions.Length);
        for (int b = 0; b < interactions.Length; b++)
        {
            int row = RowOf(interactions[b]);
            dest[b] = row < 0 ? missingId : ids[row];
        }
        d.IdCount = interactions.Length;
    }
}

/// <summary>A bag of ids per row.</summary>
sealed class BagFeature(string name, FeatureSpec spec, int[]? rowMap, int[] offsets, int[] ids, int cardinality)
    : EncodedFeature(name, spec, rowMap, cardinality)
{
    internal override void Gather(ReadOnlySpan<int> interactions, BatchFeature d)
    {
        var off = d.Offsets = BatchFeature.Ensure(d.Offsets, interactions.Length + 1);
        int total = 0;
        for (int b = 0; b < interactions.Length; b++)
        {
            int row = RowOf(interactions[b]);
            off[b] = total;
            if (row >= 0) total += offsets[row + 1] - offsets[row];
        }
        off[interactions.Length] = total;
        var dest = d.Ids = BatchFeature.Ensure(d.Ids, total);
        for (int b = 0; b < interactions.Length; b++)
        {
            int row = RowOf(interactions[b]);
            if (row >= 0) ids.AsSpan(offsets[row], offsets[row + 1] - offsets[row]).CopyTo(dest.AsSpan(off[b]));
        }
        d.IdCount = total;
    }
}

/// <summary>A fixed-width float row per row.</summary>
sealed class DenseFeature(string name, FeatureSpec spec, int[]? rowMap, float[] values, int width, float[] missing)
    : EncodedFeature(name, spec, rowMap, 0)
{
    internal override void Gather(ReadOnlySpan<int> interactions, BatchFeature d)
    {
        var dest = d.EnsureValues(interactions.Length, width).Span;
        for (int b = 0; b < interactions.Length; b++)
        {
            int row = RowOf(interactions[b]);
            var src = row < 0 ? missing : values.AsSpan(row * width, width);
            src.CopyTo(dest.Slice(b * width, width));
        }
    }
}

/// <summary>A string per row.</summary>
sealed class TextFeature(string name, FeatureSpec spec, int[]? rowMap, string[] values)
    : EncodedFeature(name, spec, rowMap, 0)
{
    internal override void Gather(ReadOnlySpan<int> interactions, BatchFeature d)
    {
        if (d.Texts.Length < interactions.Length) d.Texts = new string[interactions.Length];
        for (int b = 0; b < interactions.Length; b++)
        {
            int row = RowOf(interactions[b]);
            d.Texts[b] = row < 0 ? "" : values[row];
        }
    }
}

/// <summary>
/// Tokens per row (<c>rowTokens[r]..rowTokens[r + 1]</c>), each a bag of ids
/// (<c>ids[tokenEnds[t]..tokenEnds[t + 1]]</c>): gathered as token lengths, token offsets and ids,
/// and the row's text itself (for a pretrained encoder's vectors, looked up by text).
/// </summary>
sealed class TokenFeature(string name, FeatureSpec spec, int[]? rowMap, int[] rowTokens, int[] tokenEnds, int[] ids, int cardinality, string[] texts)
    : EncodedFeature(name, spec, rowMap, cardinality)
{
    internal override void Gather(ReadOnlySpan<int> interactions, BatchFeature d)
    {
        if (d.Texts.Length < interactions.Length) d.Texts = new string[interactions.Length];
        for (int b = 0; b < interactions.Length; b++) d.Texts[b] = RowOf(interactions[b]) is >= 0 and var r ? texts[r] : "";
        var lengths = d.Lengths = BatchFeature.Ensure(d.Lengths, interactions.Length);
        int tokens = 0, total = 0;
        for (int b = 0; b < interactions.Length; b++)
        {
            int row = RowOf(interactions[b]);
            lengths[b] = row < 0 ? 0 : rowTokens[row + 1] - rowTokens[row];
            tokens += lengths[b];
            if (row >= 0) total += tokenEnds[rowTokens[row + 1]] - tokenEnds[rowTokens[row]];
        }
        var off = d.Offsets = BatchFeature.Ensure(d.Offsets, tokens + 1);
        var dest = d.Ids = BatchFeature.Ensure(d.Ids, total);
        int t = 0, n = 0;
        off[0] = 0;
        for (int b = 0; b < interactions.Length; b++)
        {
            int row = RowOf(interactions[b]);
            if (row < 0) continue;
            for (int token = rowTokens[row]; token < rowTokens[row + 1]; token++)
            {
                var src = ids.AsSpan(tokenEnds[token], tokenEnds[token + 1] - tokenEnds[token]);
                src.CopyTo(dest.AsSpan(n));
                n += src.Length;
                off[++t] = n;
            }
        }
        d.IdCount = total;
    }
}

/// <summary>The user's causal history, most recent first, from a <see cref="HistoryIndex"/>.</summary>
sealed class SequenceFeature(string name, FeatureSpec spec, HistoryIndex history, int[] idOfCode, int[] users, int[] codes, long[] timestamps, int cardinality)
    : EncodedFeature(name, spec, null, cardinality)
{
    internal override void Gather(ReadOnlySpan<int> interactions, BatchFeature d)
    {
        int max = Spec.MaxLength;
        var ids = d.Ids = BatchFeature.Ensure(d.Ids, interactions.Length * max);
        var lengths = d.Lengths = BatchFeature.Ensure(d.Lengths, interactions.Length);
        var since = d.EnsureValues(interactions.Length, max).Span;
        ids.AsSpan(0, interactions.Length * max).Clear();
        since.Clear();
        for (int b = 0; b < interactions.Length; b++)
        {
            int i = interactions[b];
            long t = timestamps[i];
            var events = history.Before(users[i], t);
            var times = history.TimesBefore(users[i], t);
            int n = Math.Min(events.Length, max);
            for (int j = 0; j < n; j++)
            {
                int e = events.Length - 1 - j; // most recent first: truncation keeps the newest
                ids[b * max + j] = idOfCode[codes[events[e]]];
                since[b * max + j] = (float)Math.Log(1 + (t - times[e]) / 3600.0);
            }
            lengths[b] = n;
        }
        d.IdCount = interactions.Length * max;
    }
}
