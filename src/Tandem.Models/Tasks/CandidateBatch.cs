namespace Tandem.Models.Tasks;

/// <summary>
/// What a task knows about one batch besides the embeddings: B query rows, N ≥ B candidate
/// columns whose first B are the rows' positives (column r is row r's positive), then any extra
/// sampled negatives; or, with the whole catalogue as candidates, N catalogue items and each row's
/// positive at <see cref="Targets"/>. Buffers are reused from step to step; only the counted parts are read.
/// </summary>
public sealed class CandidateBatch
{
    /// <summary>Query rows B.</summary>
    public int Rows { get; private set; }
    /// <summary>Candidate columns N.</summary>
    public int Columns { get; private set; }
    /// <summary>Item id of each candidate column, [N]; the first B are the positives.</summary>
    public int[] Items { get; private set; } = [];
    /// <summary>log q of each candidate column: the log probability the sampler that produced it had of drawing it, [N].</summary>
    public float[] LogQ { get; private set; } = [];
    /// <summary>Excluded logits (accidental hits, non-hard negatives), [B × N], set by the tweaks.</summary>
    public bool[] Mask { get; private set; } = [];
    /// <summary>Example weights, [B]; all 1 unless the data weighs examples.</summary>
    public float[] Weights { get; private set; } = [];
    /// <summary>
    /// The column of each row's positive, [B]: r for in-batch candidates (the default), the item's
    /// catalogue column for the full catalogue; or, after <see cref="SetTargetCounts"/>, every
    /// row's positives one after another (row r's at <see cref="TargetOffsets"/>[r]..[r + 1]).
    /// </summary>
    public int[] Targets { get; private set; } = [];
    /// <summary>Where each row's positives start in <see cref="Targets"/>, [B + 1]; only after <see cref="SetTargetCounts"/>.</summary>
    public int[] TargetOffsets { get; private set; } = [];
    /// <summary>Whether rows have several positives each (<see cref="SetTargetCounts"/>) rather than one.</summary>
    public bool MultiTarget { get; private set; }
    /// <summary>Labels, [B]: 1 for implicit positives, the label column for explicit feedback.</summary>
    public float[] Labels { get; private set; } = [];
    /// <summary>Multi-vector queries (late interaction): how many of each row's vectors are real, [B]; empty: all of them.</summary>
    public int[] QueryCounts { get; set; } = [];
    /// <summary>Multi-vector candidates (late interaction): how many of each column's vectors are real, [N]; empty: all of them.</summary>
    public int[] CandidateCounts { get; set; } = [];
    /// <summary>The optimizer step this batch trains (streaming estimators count with it).</summary>
    public long Step { get; set; }

    /// <summary>
    /// Sizes the buffers for <paramref name="rows"/> queries and <paramref name="columns"/> candidates, clearing the mask and logQ;
    /// <paramref name="inBatch"/>: the first <paramref name="rows"/> columns are the rows' positives (false: set <see cref="Targets"/>).
    /// </summary>
    public void Reset(int rows, int columns, bool inBatch = true)
    {
        if (inBatch && columns < rows) throw new ArgumentOutOfRangeException(nameof(columns), columns, $"{columns} candidates for {rows} rows; the first {rows} candidates must be the positives.");
        Rows = rows;
        Columns = columns;
        if (Items.Length < columns) { Items = new int[columns]; LogQ = new float[columns]; }
        if (Weights.Length < rows) { Weights = new float[rows]; Labels = new float[rows]; Targets = new int[rows]; }
        if (Mask.Length < rows * columns) Mask = new bool[rows * columns];
        Array.Clear(Mask, 0, rows * columns);
        Array.Clear(LogQ, 0, columns);
        Array.Clear(Items, 0, columns);
        QueryCounts = CandidateCounts = [];
        Array.Fill(Weights, 1f, 0, rows);
        Array.Fill(Labels, 1f, 0, rows);
        for (int r = 0; r < rows; r++) Targets[r] = r;
        MultiTarget = false;
    }

    /// <summary>
    /// Gives row r <paramref name="counts"/>[r] positives (a user's items against the whole
    /// catalogue) and returns <see cref="Targets"/> sized for all of them, for the caller to fill
    /// with their columns in row order. Call after <see cref="Reset"/>.
    /// </summary>
    public Span<int> SetTargetCounts(ReadOnlySpan<int> counts)
    {
        if (counts.Length != Rows) throw new ArgumentOutOfRangeException(nameof(counts), counts.Length, $"{counts.Length} target counts for {Rows} rows.");
        if (TargetOffsets.Length < Rows + 1) TargetOffsets = new int[Rows + 1];
        for (int r = 0; r < Rows; r++) TargetOffsets[r + 1] = TargetOffsets[r] + counts[r];
        int total = TargetOffsets[Rows];
        if (Targets.Length < total) Targets = new int[total];
        MultiTarget = true;
        return Targets.AsSpan(0, total);
    }
}
