using Tandem.Tensors;
using Tandem.Tensors.Autograd;

namespace Tandem.Models.Towers;

/// <summary>
/// Combines a tower's module outputs into the MLP's input: concatenation, or gated fusion
/// <c>Σ_m softmax(G·[x_1 … x_M] + mask)_m · (W_m x_m + b_m)</c>. Missing modalities (from
/// <see cref="IModalityMask"/>, and modality dropout in training) are zeroed in the concatenation
/// and get weight 0 in the gate; an example with none present keeps them all. Not thread-safe.
/// </summary>
sealed class Fusion
{
    readonly IFeatureModule[] modules;
    readonly FusionOptions options;
    readonly Dense[] projections;
    readonly Dense? gate;

    public Fusion(string prefix, IFeatureModule[] modules, FusionOptions options, int width, Random rng)
    {
        if (!(options.ModalityDropout is >= 0 and < 1))
            ModelThrow.Config($"Modality dropout is {options.ModalityDropout}; it must be in [0, 1).");
        this.modules = modules;
        this.options = options;
        // Only dropout draws, so towers without it initialise exactly as before fusion existed.
        Generator = options.ModalityDropout > 0 ? new Rng(rng.Next()) : null;
        int inputs = modules.Sum(m => m.Width);
        if (options.Kind == FusionKind.Gated)
        {
            projections = modules.Select(m => new Dense($"{prefix}.fusion.{m.Spec.Name}", m.Width, width, rng)).ToArray();
            gate = new Dense($"{prefix}.fusion.gate", inputs, modules.Length, rng);
            Width = width;
        }
        else
        {
            projections = [];
            Width = inputs;
        }
    }

    /// <summary>The generator of modality dropout (checkpointed with the model's others); null without it.</summary>
    public Rng? Generator { get; }

    public FusionOptions Options => options;
    /// <summary>Gated fusion's per-module projections (empty for concatenation).</summary>
    public IReadOnlyList<Dense> Projections => projections;
    /// <summary>Gated fusion's gate; null for concatenation.</summary>
    public Dense? Gate => gate;

    /// <summary>Columns of the fused vector.</summary>
    public int Width { get; }

    public IEnumerable<Parameter> Parameters => projections.SelectMany(p => p.Parameters).Concat(gate?.Parameters ?? []);

    bool Masks(bool training) => options.Kind == FusionKind.Gated || options.MaskMissing || training && options.ModalityDropout > 0;

    public Variable Apply(Tape tape, TowerInput input, Variable[] parts, bool training)
    {
        if (!Masks(training)) return parts.Length == 1 ? parts[0] : tape.Concat(parts);
        int count = input.Count, m = parts.Length;
        var present = Present(input, training);
        var masked = new Variable[m];
        for (int i = 0; i < m; i++) masked[i] = tape.Multiply(parts[i], Spread(tape, present, i, count, parts[i].Cols));
        var all = m == 1 ? masked[0] : tape.Concat(masked);
        if (options.Kind == FusionKind.Concat) return all;
        var logMask = new float[count * m];
        for (int k = 0; k < logMask.Length; k++) logMask[k] = present[k] ? 0 : float.NegativeInfinity;
        var weights = tape.Softmax(tape.Add(gate!.Apply(tape, all), tape.Constant(logMask, count, m)));
        var ones = new float[Width];
        Array.Fill(ones, 1f);
        var row = tape.Constant(ones, 1, Width);
        Variable? fused = null;
        for (int i = 0; i < m; i++)
        {
            // Weight column i spread over the projection's width: [count, 1]·[1, Width].
            var term = tape.Multiply(projections[i].Apply(tape, parts[i]), tape.MatMul(tape.Columns(weights, i, 1), row));
            fused = fused is null ? term : tape.Add(fused, term);
        }
        return fused!;
    }

    /// <summary>
    /// present[b·M + i]: example b has modality i after dropout. If dropout removed every one an
    /// example has, it keeps what it has; an example with none keeps all (placeholders beat nothing).
    /// </summary>
    bool[] Present(TowerInput input, bool training)
    {
        int count = input.Count, m = modules.Length;
        var has = new bool[count * m];
        var column = new bool[count];
        for (int i = 0; i < m; i++)
        {
            if (modules[i] is IModalityMask mask && (options.MaskMissing || options.Kind == FusionKind.Gated)) mask.Present(input, column);
            else column.AsSpan(0, count).Fill(true);
            for (int b = 0; b < count; b++) has[b * m + i] = column[b];
        }
        var present = (bool[])has.Clone();
        bool drop = training && options.ModalityDropout > 0;
        for (int b = 0; b < count; b++)
        {
            var row = present.AsSpan(b * m, m);
            if (!row.Contains(true)) { row.Fill(true); continue; }
            if (!drop) continue;
            for (int i = 0; i < m; i++) row[i] &= Generator!.NextSingle() >= options.ModalityDropout;
            if (!row.Contains(true)) has.AsSpan(b * m, m).CopyTo(row);
        }
        return present;
    }

    static Variable Spread(Tape tape, bool[] present, int i, int count, int width)
    {
        int m = present.Length / count;
        var mask = new float[count * width];
        for (int b = 0; b < count; b++)
            if (present[b * m + i]) mask.AsSpan(b * width, width).Fill(1);
        return tape.Constant(mask, count, width);
    }
}
