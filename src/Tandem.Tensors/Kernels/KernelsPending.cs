using System.Numerics.Tensors;

namespace Tandem.Tensors.Kernels;

// TEMPORARY: reference versions of the row kernels the `kernels` branch is writing, with the
// same signatures, so autograd builds before that branch lands. Deleted on merge.
public static partial class Kernels
{
    public static void Relu(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Max(x, 0f, y);

    public static void ReluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx)
    {
        for (int i = 0; i < x.Length; i++) dx[i] = x[i] > 0 ? dy[i] : 0;
    }

    const float GeluC = 0.7978845608f; // sqrt(2/pi)

    public static void Gelu(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++)
        {
            float v = x[i];
            y[i] = 0.5f * v * (1 + MathF.Tanh(GeluC * (v + 0.044715f * v * v * v)));
        }
    }

    public static void GeluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx)
    {
        for (int i = 0; i < x.Length; i++)
        {
            float v = x[i];
            float t = MathF.Tanh(GeluC * (v + 0.044715f * v * v * v));
            dx[i] = dy[i] * (0.5f * (1 + t) + 0.5f * v * (1 - t * t) * GeluC * (1 + 3 * 0.044715f * v * v));
        }
    }

    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Sigmoid(x, y);
    public static void Tanh(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Tanh(x, y);
    public static void Exp(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Exp(x, y);
    public static void Log(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Log(x, y);
    public static void Add(ReadOnlySpan<float> x, ReadOnlySpan<float> z, Span<float> y) => TensorPrimitives.Add(x, z, y);
    public static void Subtract(ReadOnlySpan<float> x, ReadOnlySpan<float> z, Span<float> y) => TensorPrimitives.Subtract(x, z, y);
    public static void Multiply(ReadOnlySpan<float> x, ReadOnlySpan<float> z, Span<float> y) => TensorPrimitives.Multiply(x, z, y);
    public static void Scale(ReadOnlySpan<float> x, float s, Span<float> y) => TensorPrimitives.Multiply(x, s, y);

    public static void AddBias(ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y)
    {
        for (int r = 0; r < x.Length; r += bias.Length)
            TensorPrimitives.Add(x.Slice(r, bias.Length), bias, y.Slice(r, bias.Length));
    }

    public static void SumColumns(ReadOnlySpan<float> x, int cols, Span<float> sums)
    {
        sums[..cols].Clear();
        for (int r = 0; r < x.Length; r += cols) TensorPrimitives.Add(sums[..cols], x.Slice(r, cols), sums[..cols]);
    }

    public static void SumRows(ReadOnlySpan<float> x, int cols, Span<float> result)
    {
        for (int r = 0; r * cols < x.Length; r++) result[r] = TensorPrimitives.Sum(x.Slice(r * cols, cols));
    }

    public static void SoftmaxRows(ReadOnlySpan<float> x, int cols, Span<float> y)
    {
        for (int r = 0; r < x.Length; r += cols)
        {
            var row = x.Slice(r, cols);
            var dst = y.Slice(r, cols);
            TensorPrimitives.Subtract(row, TensorPrimitives.Max(row), dst);
            TensorPrimitives.Exp(dst, dst);
            TensorPrimitives.Multiply(dst, 1 / TensorPrimitives.Sum(dst), dst);
        }
    }

    public static void LogSoftmaxRows(ReadOnlySpan<float> x, int cols, Span<float> y)
    {
        for (int r = 0; r < x.Length; r += cols)
        {
            var row = x.Slice(r, cols);
            float max = TensorPrimitives.Max(row);
            float sum = 0;
            foreach (float v in row) sum += MathF.Exp(v - max);
            TensorPrimitives.Subtract(row, max + MathF.Log(sum), y.Slice(r, cols));
        }
    }

    public static void L2NormalizeRows(ReadOnlySpan<float> x, int cols, Span<float> y, Span<float> norms, float eps = 1e-12f)
    {
        for (int r = 0; r * cols < x.Length; r++)
        {
            float n = MathF.Max(TensorPrimitives.Norm(x.Slice(r * cols, cols)), eps);
            norms[r] = n;
            TensorPrimitives.Multiply(x.Slice(r * cols, cols), 1 / n, y.Slice(r * cols, cols));
        }
    }

    public static void LayerNormRows(ReadOnlySpan<float> x, int cols, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        Span<float> y, Span<float> mean, Span<float> rstd, float eps = 1e-5f)
    {
        for (int r = 0; r * cols < x.Length; r++)
        {
            var row = x.Slice(r * cols, cols);
            float m = TensorPrimitives.Sum(row) / cols;
            float v = 0;
            foreach (float e in row) v += (e - m) * (e - m);
            float s = 1 / MathF.Sqrt(v / cols + eps);
            mean[r] = m;
            rstd[r] = s;
            for (int c = 0; c < cols; c++) y[r * cols + c] = (row[c] - m) * s * gamma[c] + beta[c];
        }
    }

    public static void GatherRows(ReadOnlySpan<float> table, int cols, ReadOnlySpan<int> ids, Span<float> y)
    {
        for (int i = 0; i < ids.Length; i++) table.Slice(ids[i] * cols, cols).CopyTo(y.Slice(i * cols, cols));
    }

    public static void ScatterAddRows(ReadOnlySpan<float> dy, int cols, ReadOnlySpan<int> ids, Span<float> table)
    {
        for (int i = 0; i < ids.Length; i++)
        {
            var row = table.Slice(ids[i] * cols, cols);
            TensorPrimitives.Add(row, dy.Slice(i * cols, cols), row);
        }
    }

    public static void SegmentSum(ReadOnlySpan<float> x, int cols, ReadOnlySpan<int> offsets, Span<float> y)
    {
        for (int b = 0; b + 1 < offsets.Length; b++)
        {
            var dst = y.Slice(b * cols, cols);
            dst.Clear();
            for (int r = offsets[b]; r < offsets[b + 1]; r++) TensorPrimitives.Add(dst, x.Slice(r * cols, cols), dst);
        }
    }

    public static void SegmentMean(ReadOnlySpan<float> x, int cols, ReadOnlySpan<int> offsets, Span<float> y)
    {
        SegmentSum(x, cols, offsets, y);
        for (int b = 0; b + 1 < offsets.Length; b++)
        {
            int n = offsets[b + 1] - offsets[b];
            if (n > 0) TensorPrimitives.Multiply(y.Slice(b * cols, cols), 1f / n, y.Slice(b * cols, cols));
        }
    }
}
