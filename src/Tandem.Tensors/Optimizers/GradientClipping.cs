using System.Numerics.Tensors;
using Tandem.Tensors.Autograd;

namespace Tandem.Tensors.Optimizers;

/// <summary>Gradient clipping by global norm, as PyTorch's <c>clip_grad_norm_</c>.</summary>
public static class GradientClipping
{
    /// <summary>
    /// The global norm <c>N = √(Σ g²)</c> over every parameter's gradient (dense
    /// <see cref="Parameter.Grad"/>, or the touched rows of a sparse one), summed in double on one
    /// thread so it is reproducible. When <c>N &gt; maxNorm</c>, every gradient is multiplied by
    /// <c>maxNorm / (N + 1e-6)</c>. A non-finite N leaves the gradients unchanged and is returned,
    /// so the caller can skip the step.
    /// </summary>
    /// <returns>The norm before clipping.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is not positive and finite.</exception>
    public static float ClipByGlobalNorm(IReadOnlyList<Parameter> parameters, float maxNorm)
    {
        OptimizerThrow.IfNotPositive(maxNorm, nameof(maxNorm));
        double sum = 0;
        foreach (var p in parameters)
        {
            if (p.SparseGrad is { } rows)
                for (int slot = 0; slot < rows.Count; slot++) sum += TensorPrimitives.SumOfSquares<float>(rows.Values(slot));
            else
                sum += TensorPrimitives.SumOfSquares<float>(p.Grad.Span);
        }
        float norm = (float)Math.Sqrt(sum);
        if (!float.IsFinite(norm) || norm <= maxNorm) return norm;
        float scale = (float)(maxNorm / (Math.Sqrt(sum) + 1e-6));
        foreach (var p in parameters)
        {
            if (p.SparseGrad is { } rows)
                for (int slot = 0; slot < rows.Count; slot++) TensorPrimitives.Multiply(rows.Values(slot), scale, rows.Values(slot));
            else
                TensorPrimitives.Multiply(p.Grad.Span, scale, p.Grad.Span);
        }
        return norm;
    }
}
