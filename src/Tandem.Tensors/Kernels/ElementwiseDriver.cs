using System.Diagnostics;
using System.Runtime.Intrinsics;

namespace Tandem.Tensors.Kernels;

/// <summary>
/// Drives element-wise operators: validates lengths, dispatches on a <see cref="SimdLevel"/>, runs the
/// full vectors and then the scalar remainder, and splits large inputs across threads in blocks of a
/// whole number of vectors, so every element takes the same path whatever the thread count.
/// </summary>
internal static unsafe class ElementwiseDriver
{
    // A multiple of every vector width, so only the last block holds a scalar remainder.
    const int Block = 64;

    /// <summary><c>y[i] = TOp(x[i])</c>.</summary>
    /// <exception cref="ArgumentException"><paramref name="y"/> is not as long as <paramref name="x"/>.</exception>
    public static void Unary<TOp>(ReadOnlySpan<float> x, Span<float> y, SimdLevel level) where TOp : IUnaryOperator
    {
        Validate.Length(y.Length, x.Length, "y", "one per value of x");
        Debug.Assert(level <= Simd.Best, $"{level} is not supported on this machine.");
        fixed (float* px = x, py = y)
        {
            var inputs = new Pointers(px, null, py, x.Length);
            switch (level)
            {
                case SimdLevel.Avx512: Run(new UnaryBody<TOp, Avx512Simd, Vector512<float>>(inputs), x.Length); break;
                case SimdLevel.Avx2: Run(new UnaryBody<TOp, Avx2Simd, Vector256<float>>(inputs), x.Length); break;
                case SimdLevel.Vector128: Run(new UnaryBody<TOp, Vector128Simd, Vector128<float>>(inputs), x.Length); break;
                default: Run(new UnaryBody<TOp, ScalarSimd, float>(inputs), x.Length); break;
            }
        }
    }

    /// <summary><c>z[i] = TOp(x[i], y[i])</c>.</summary>
    /// <exception cref="ArgumentException"><paramref name="y"/> or <paramref name="z"/> is not as long as <paramref name="x"/>.</exception>
    public static void Binary<TOp>(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> z, SimdLevel level,
        string xName = "x", string yName = "y", string zName = "z") where TOp : IBinaryOperator
    {
        Validate.SameLength(y.Length, x.Length, yName, xName);
        Validate.SameLength(z.Length, x.Length, zName, xName);
        Debug.Assert(level <= Simd.Best, $"{level} is not supported on this machine.");
        fixed (float* px = x, py = y, pz = z)
        {
            var inputs = new Pointers(px, py, pz, x.Length);
            switch (level)
            {
                case SimdLevel.Avx512: Run(new BinaryBody<TOp, Avx512Simd, Vector512<float>>(inputs), x.Length); break;
                case SimdLevel.Avx2: Run(new BinaryBody<TOp, Avx2Simd, Vector256<float>>(inputs), x.Length); break;
                case SimdLevel.Vector128: Run(new BinaryBody<TOp, Vector128Simd, Vector128<float>>(inputs), x.Length); break;
                default: Run(new BinaryBody<TOp, ScalarSimd, float>(inputs), x.Length); break;
            }
        }
    }

    static void Run<TBody>(TBody body, int length) where TBody : struct, IRangeBody =>
        Parallelism.For((length + Block - 1) / Block, length, body);

    readonly struct Pointers(float* x, float* y, float* z, int length)
    {
        public readonly float* X = x, Y = y, Z = z;
        public readonly int Length = length;
    }

    readonly struct UnaryBody<TOp, TSimd, TVec>(Pointers p) : IRangeBody
        where TOp : IUnaryOperator where TSimd : ISimd<TVec> where TVec : struct
    {
        public void Invoke(int start, int end)
        {
            int i = start * Block, stop = (int)Math.Min((long)end * Block, p.Length);
            for (; i <= stop - TSimd.Count; i += TSimd.Count)
                TSimd.Store(TSimd.Unary<TOp>(TSimd.Load(p.X + i)), p.Z + i);
            for (; i < stop; i++) p.Z[i] = TOp.Invoke(p.X[i]);
        }
    }

    readonly struct BinaryBody<TOp, TSimd, TVec>(Pointers p) : IRangeBody
        where TOp : IBinaryOperator where TSimd : ISimd<TVec> where TVec : struct
    {
        public void Invoke(int start, int end)
        {
            int i = start * Block, stop = (int)Math.Min((long)end * Block, p.Length);
            for (; i <= stop - TSimd.Count; i += TSimd.Count)
                TSimd.Store(TSimd.Binary<TOp>(TSimd.Load(p.X + i), TSimd.Load(p.Y + i)), p.Z + i);
            for (; i < stop; i++) p.Z[i] = TOp.Invoke(p.X[i], p.Y[i]);
        }
    }
}
