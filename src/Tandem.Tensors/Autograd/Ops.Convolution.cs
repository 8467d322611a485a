using System.Numerics.Tensors;
using Tandem.Tensors.Kernels;
using K = Tandem.Tensors.Kernels.Kernels;

namespace Tandem.Tensors.Autograd;

public static partial class Ops
{
    /// <summary>
    /// 2-D convolution (cross-correlation, as in PyTorch) of images x [N, C, H, W] with weights
    /// [O, C, kh, kw] and an optional bias of O values: <c>y[n, o, oy, ox] = bias[o] + Σ_{c,ky,kx}
    /// w[o, c, ky, kx]·x[n, c, oy·s - p + ky, ox·s - p + kx]</c>, zero padding. Each image is unfolded
    /// by <see cref="K.Im2Col"/> and multiplied by the weights in one GEMM; the unfolded patches are
    /// kept for the weight gradient.
    /// </summary>
    /// <exception cref="ArgumentException">x is not NCHW, the weights are not [O, C, kh, kw] for x's channels, the bias is not O values, or the kernel does not fit the padded image.</exception>
    public static Variable Conv2d(this Tape tape, Variable x, Variable weight, Variable? bias = null, int stride = 1, int padding = 0)
    {
        var xs = x.Value.Shape;
        var ws = weight.Value.Shape;
        if (xs.Length != 4 || ws.Length != 4 || ws[1] != xs[1])
            AutogradThrow.Shape(nameof(Conv2d), $"needs x [N, C, H, W] and weights [O, C, kh, kw] with the same C, got {x.Value} and {weight.Value}.");
        var g = new Conv2dGeometry(xs[1], xs[2], xs[3], ws[2], ws[3], stride, padding);
        if (!g.IsValid) AutogradThrow.Shape(nameof(Conv2d), $"a {ws[2]}x{ws[3]} kernel with stride {stride} and padding {padding} does not fit {x.Value}.");
        int n = xs[0], outputs = ws[0], patch = g.Patch, positions = g.Positions;
        if (bias is not null && bias.Value.Length != outputs)
            AutogradThrow.Shape(nameof(Conv2d), $"bias {bias.Value} needs {outputs} values, one per output channel.");
        var cols = tape.Save(n, patch, positions);
        var y = tape.Output(Tensor.Empty(n, outputs, g.OutHeight, g.OutWidth), x.RequiresGrad || weight.RequiresGrad || bias?.RequiresGrad == true);
        var yv = y.Value.Span;
        for (int b = 0; b < n; b++)
        {
            var colsB = cols.Span.Slice(b * patch * positions, patch * positions);
            K.Im2Col(x.Value.Span.Slice(b * g.ImageLength, g.ImageLength), g, colsB);
            var yb = yv.Slice(b * outputs * positions, outputs * positions);
            Gemm.Multiply(weight.Value.Span, colsB, yb, outputs, positions, patch);
            if (bias is not null)
                for (int o = 0; o < outputs; o++) TensorPrimitives.Add(yb.Slice(o * positions, positions), bias.Value[o], yb.Slice(o * positions, positions));
        }
        tape.Record(y, () =>
        {
            var dy = y.Grad.Span;
            if (weight.RequiresGrad)
            {
                // dW = Σ_n dY_n · cols_nᵀ
                var dw = weight.GradForWrite(out bool acc);
                for (int b = 0; b < n; b++)
                    Gemm.Multiply(dy.Slice(b * outputs * positions, outputs * positions), cols.Span.Slice(b * patch * positions, patch * positions),
                        dw, outputs, patch, positions, transB: true, accumulate: acc || b > 0);
            }
            if (bias?.RequiresGrad == true)
            {
                using var db = new GradSink(bias);
                db.Span.Clear();
                for (int b = 0; b < n; b++)
                    for (int o = 0; o < outputs; o++) db.Span[o] += TensorPrimitives.Sum(dy.Slice((b * outputs + o) * positions, positions));
            }
            if (!x.RequiresGrad) return;
            // dX_n = col2im(Wᵀ · dY_n)
            using var dx = new GradSink(x);
            dx.Span.Clear();
            using var dcols = Tensor.Empty(patch, positions);
            for (int b = 0; b < n; b++)
            {
                Gemm.Multiply(weight.Value.Span, dy.Slice(b * outputs * positions, outputs * positions), dcols.Span, patch, positions, outputs, transA: true);
                K.Col2Im(dcols.Span, g, dx.Span.Slice(b * g.ImageLength, g.ImageLength));
            }
        });
        return y;
    }

    /// <summary>
    /// Max pooling of images [N, C, H, W] with a <paramref name="kernel"/>×<paramref name="kernel"/> window
    /// moved by <paramref name="stride"/> (default: the kernel, so windows tile); the gradient flows to the
    /// first maximum of each window.
    /// </summary>
    /// <exception cref="ArgumentException">x is not NCHW or the window does not fit it.</exception>
    public static Variable MaxPool2d(this Tape tape, Variable x, int kernel, int stride = 0)
    {
        var g = PoolGeometry(nameof(MaxPool2d), x, kernel, kernel, stride == 0 ? kernel : stride);
        var y = tape.Output(Tensor.Empty(x.Value.Shape[0], x.Value.Shape[1], g.OutHeight, g.OutWidth), x.RequiresGrad);
        var argmax = System.Buffers.ArrayPool<int>.Shared.Rent(y.Value.Length);
        K.MaxPool2d(x.Value.Span, g, y.Value.Span, argmax.AsSpan(0, y.Value.Length));
        var at = tape.Save(argmax.AsSpan(0, y.Value.Length));
        System.Buffers.ArrayPool<int>.Shared.Return(argmax);
        tape.Record(y, () =>
        {
            using var dx = new GradSink(x);
            dx.Span.Clear();
            var dy = y.Grad.Span;
            var index = at.Span;
            for (int i = 0; i < dy.Length; i++) dx.Span[index[i]] += dy[i];
        });
        return y;
    }

    /// <summary>
    /// Average pooling of images [N, C, H, W] with a <paramref name="kernel"/>×<paramref name="kernel"/> window
    /// moved by <paramref name="stride"/> (default: the kernel).
    /// </summary>
    /// <exception cref="ArgumentException">x is not NCHW or the window does not fit it.</exception>
    public static Variable AvgPool2d(this Tape tape, Variable x, int kernel, int stride = 0) =>
        AvgPool(tape, x, PoolGeometry(nameof(AvgPool2d), x, kernel, kernel, stride == 0 ? kernel : stride));

    /// <summary>The mean of each channel over its whole plane: images [N, C, H, W] to [N, C].</summary>
    /// <exception cref="ArgumentException">x is not NCHW.</exception>
    public static Variable GlobalAvgPool(this Tape tape, Variable x)
    {
        var g = PoolGeometry(nameof(GlobalAvgPool), x, x.Value.Rank == 4 ? x.Value.Shape[2] : 1, x.Value.Rank == 4 ? x.Value.Shape[3] : 1, 1);
        return tape.Reshape(AvgPool(tape, x, g), x.Value.Shape[0], x.Value.Shape[1]);
    }

    static Variable AvgPool(Tape tape, Variable x, Conv2dGeometry g)
    {
        var y = tape.Output(Tensor.Empty(x.Value.Shape[0], x.Value.Shape[1], g.OutHeight, g.OutWidth), x.RequiresGrad);
        K.AvgPool2d(x.Value.Span, g, y.Value.Span);
        tape.Record(y, () =>
        {
            using var dx = new GradSink(x);
            dx.Span.Clear();
            K.AvgPool2d(dx.Span, g, y.Grad.Span, backward: true);
        });
        return y;
    }

    /// <summary>A pooling's geometry over all N·C planes of x, checked.</summary>
    static Conv2dGeometry PoolGeometry(string op, Variable x, int kernelHeight, int kernelWidth, int stride)
    {
        var s = x.Value.Shape;
        if (s.Length != 4) AutogradThrow.Shape(op, $"needs images [N, C, H, W], got {x.Value}.");
        var g = new Conv2dGeometry(s[0] * s[1], s[2], s[3], kernelHeight, kernelWidth, stride);
        if (!g.IsValid) AutogradThrow.Shape(op, $"a {kernelHeight}x{kernelWidth} window with stride {stride} does not fit {x.Value}.");
        return g;
    }

    /// <summary>
    /// Batch normalisation of images [N, C, H, W] per channel, over the N·H·W values of each: the
    /// per-column <see cref="BatchNorm"/> applied with channels last, so the statistics, running
    /// averages and gradients are exactly its.
    /// </summary>
    /// <exception cref="ArgumentException">x is not NCHW, or a per-channel tensor does not hold C values.</exception>
    public static Variable BatchNorm2d(this Tape tape, Variable x, Variable gamma, Variable beta,
        Tensor runningMean, Tensor runningVar, bool training, float momentum = 0.1f, float eps = 1e-5f)
    {
        var s = x.Value.Shape.ToArray();
        if (s.Length != 4) AutogradThrow.Shape(nameof(BatchNorm2d), $"needs images [N, C, H, W], got {x.Value}.");
        var last = tape.Reshape(tape.SwapLast(tape.Reshape(x, s[0], s[1], s[2] * s[3])), -1, s[1]);
        var normed = tape.BatchNorm(last, gamma, beta, runningMean, runningVar, training, momentum, eps);
        return tape.Reshape(tape.SwapLast(tape.Reshape(normed, s[0], s[2] * s[3], s[1])), s);
    }

    /// <summary>Transposes each matrix of a stack [N, A, B] into [N, B, A].</summary>
    public static Variable SwapLast(this Tape tape, Variable x)
    {
        int n = x.Value.Shape[0], a = x.Value.Shape[1], b = x.Value.Shape[2];
        var y = tape.Output(Tensor.Empty(n, b, a), x.RequiresGrad);
        Transpose(x.Value.Span, y.Value.Span, n, a, b);
        tape.Record(y, () =>
        {
            using var dx = new GradSink(x);
            Transpose(y.Grad.Span, dx.Span, n, b, a);
        });
        return y;
    }

    static void Transpose(ReadOnlySpan<float> x, Span<float> y, int n, int a, int b)
    {
        for (int m = 0; m < n; m++)
        {
            var xm = x.Slice(m * a * b, a * b);
            var ym = y.Slice(m * a * b, a * b);
            for (int i = 0; i < a; i++)
                for (int j = 0; j < b; j++) ym[j * a + i] = xm[i * b + j];
        }
    }
}
