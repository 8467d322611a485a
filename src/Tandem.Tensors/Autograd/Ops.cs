using System.Numerics.Tensors;
using Tandem.Tensors.Kernels;
using K = Tandem.Tensors.Kernels.Kernels;

namespace Tandem.Tensors.Autograd;

/// <summary>
/// Every differentiable op and its gradient rule, in one place. Each method computes the
/// forward value into a pooled tensor the tape owns and, when an input requires a gradient,
/// records a backward of a few lines that adds (+=) into the inputs' gradients and keeps only
/// what it needs. Call them as extension methods: <c>tape.MatMul(x, w)</c>.
/// Inputs are validated once here; the kernels they call do not re-check.
/// </summary>
public static partial class Ops
{
    /// <summary>
    /// <c>op(a) · op(b)</c> for matrices, where op transposes when asked: <paramref name="a"/> is
    /// m×k (k×m when <paramref name="transA"/>), <paramref name="b"/> is k×n (n×k when <paramref name="transB"/>).
    /// </summary>
    /// <exception cref="ArgumentException">An input is not a matrix or the inner dimensions differ.</exception>
    public static Variable MatMul(this Tape tape, Variable a, Variable b, bool transA = false, bool transB = false)
    {
        if (a.Value.Rank != 2 || b.Value.Rank != 2) AutogradThrow.Shape(nameof(MatMul), $"needs matrices, got {a.Value} and {b.Value}; Reshape first.");
        int m = transA ? a.Cols : a.Rows, k = transA ? a.Rows : a.Cols;
        int kb = transB ? b.Cols : b.Rows, n = transB ? b.Rows : b.Cols;
        if (k != kb) AutogradThrow.Shape(nameof(MatMul), $"op(a) is {m}x{k} but op(b) is {kb}x{n}.");
        var y = tape.Output(Tensor.Empty(m, n), a.RequiresGrad || b.RequiresGrad);
        Gemm.Multiply(a.Value.Span, b.Value.Span, y.Value.Span, m, n, k, transA, transB);
        tape.Record(y, () =>
        {
            var dy = y.Grad.Span;
            if (a.RequiresGrad)
            {
                var da = a.GradForWrite(out bool acc);
                // dA = dY·op(B)ᵀ, stored transposed when A is.
                if (transA) Gemm.Multiply(b.Value.Span, dy, da, k, m, n, transA: transB, transB: true, accumulate: acc);
                else Gemm.Multiply(dy, b.Value.Span, da, m, k, n, transA: false, transB: !transB, accumulate: acc);
            }
            if (b.RequiresGrad)
            {
                var db = b.GradForWrite(out bool acc);
                // dB = op(A)ᵀ·dY, stored transposed when B is.
                if (transB) Gemm.Multiply(dy, a.Value.Span, db, n, k, m, transA: true, transB: transA, accumulate: acc);
                else Gemm.Multiply(a.Value.Span, dy, db, k, n, m, transA: !transA, transB: false, accumulate: acc);
            }
        });
        return y;
    }

    /// <summary>
    /// <c>x · w + bias</c> for w of in×out and an optional bias row of out values. x is n×in, or
    /// of any rank with last dimension in (e.g. B×T×in), in which case the result keeps x's
    /// leading dimensions (B×T×out).
    /// </summary>
    /// <exception cref="ArgumentException">x's last dimension is not w's rows, or the bias is not one row of w's columns.</exception>
    public static Variable Linear(this Tape tape, Variable x, Variable w, Variable? bias = null)
    {
        if (x.Value.Rank < 2 || w.Value.Rank != 2 || x.Value.Shape[^1] != w.Rows)
            AutogradThrow.Shape(nameof(Linear), $"x {x.Value} must end in the {w.Rows} rows of w {w.Value}.");
        if (x.Value.Rank == 2) return Affine(tape, x, w, bias);
        var shape = x.Value.Shape.ToArray();
        shape[^1] = w.Cols;
        return tape.Reshape(Affine(tape, tape.Reshape(x, -1, w.Rows), w, bias), shape);
    }

    static Variable Affine(Tape tape, Variable x, Variable w, Variable? bias)
    {
        var y = tape.MatMul(x, w);
        return bias is null ? y : tape.Add(y, bias);
    }

    /// <summary>The same elements under another shape (one dimension may be -1); shares the buffer.</summary>
    /// <exception cref="ArgumentException">The shapes hold different numbers of elements.</exception>
    public static Variable Reshape(this Tape tape, Variable x, params int[] shape)
    {
        var y = tape.Output(x.Value.Reshape(shape), x.RequiresGrad);
        tape.Record(y, () =>
        {
            using var dx = new GradSink(x);
            y.Grad.Span.CopyTo(dx.Span);
        });
        return y;
    }

    /// <summary><c>y = s·x</c>.</summary>
    public static Variable Scale(this Tape tape, Variable x, float s)
    {
        var y = tape.Output(Tensor.Empty(x.Value.Shape.ToArray()), x.RequiresGrad);
        K.Scale(x.Value.Span, s, y.Value.Span);
        tape.Record(y, () =>
        {
            using var dx = new GradSink(x);
            K.Scale(y.Grad.Span, s, dx.Span);
        });
        return y;
    }

    /// <summary>The sum of all elements, as a scalar.</summary>
    public static Variable Sum(this Tape tape, Variable x) => Total(tape, x, 1f);

    /// <summary>The mean of all elements, as a scalar.</summary>
    public static Variable Mean(this Tape tape, Variable x) => Total(tape, x, 1f / Math.Max(1, x.Value.Length));

    static Variable Total(Tape tape, Variable x, float scale)
    {
        var y = tape.Output(Tensor.Empty(), x.RequiresGrad);
        y.Value[0] = scale * TensorPrimitives.Sum(x.Value.Span);
        tape.Record(y, () =>
        {
            using var dx = new GradSink(x);
            dx.Span.Fill(scale * y.Grad[0]);
        });
        return y;
    }

    static Tensor Like(Variable x) => Tensor.Empty(x.Value.Shape.ToArray());
}
