using Tandem.Tensors;

namespace Tandem.Pretrained;

/// <summary>Stacks per-batch outputs into one matrix.</summary>
static class Rows
{
    /// <summary>The [rows, total / rows] matrix of <paramref name="parts"/> in order; the caller owns it.</summary>
    internal static Tensor Stack(List<float[]> parts, int rows)
    {
        int total = parts.Sum(p => p.Length);
        var result = Tensor.Empty(rows, rows == 0 ? 0 : total / rows);
        int at = 0;
        foreach (var p in parts) { p.CopyTo(result.Span[at..]); at += p.Length; }
        return result;
    }
}
