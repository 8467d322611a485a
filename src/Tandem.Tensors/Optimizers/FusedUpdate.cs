using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

using Tandem.Tensors.Autograd;
using Tandem.Tensors.Kernels;

namespace Tandem.Tensors.Optimizers;

/// <summary>The driver for <see cref="IFusedUpdate"/> ops: SIMD dispatch, remainder and threading.</summary>
static class FusedUpdate
{
    /// <summary>Dense tensors at least this long are split over <see cref="Threads.Count"/> threads; smaller ones are not worth the hand-off.</summary>
    internal static int ParallelThreshold = 1 << 17;

    /// <summary>
    /// Applies <paramref name="op"/> to every element of <paramref name="value"/>, splitting large
    /// tensors into contiguous chunks over <see cref="Threads.Count"/> threads. The update is
    /// element-wise, so the result does not depend on the thread count.
    /// A state the op does not keep is passed as null.
    /// </summary>
    public static void Run<TOp>(TOp op, Tensor value, Tensor grad, Tensor? s1, Tensor? s2)
        where TOp : struct, IFusedUpdate
    {
        Debug.Assert(grad.Length == value.Length);
        if (Threads.Count == 1 || value.Length < ParallelThreshold)
            Apply(op, value.Span, grad.Span, s1 is null ? default : s1.Span, s2 is null ? default : s2.Span, Simd.Best);
        else
            RunParallel(op, value, grad, s1, s2);
    }

    // Blocks of whole 512-bit vectors, split over the worker pool like any row kernel.
    const int Block = 16;

    static void RunParallel<TOp>(TOp op, Tensor value, Tensor grad, Tensor? s1, Tensor? s2)
        where TOp : struct, IFusedUpdate =>
        Parallelism.For((value.Length + Block - 1) / Block, value.Length, new DenseBlocks<TOp>(op, value, grad, s1, s2));

    readonly struct DenseBlocks<TOp>(TOp op, Tensor value, Tensor grad, Tensor? s1, Tensor? s2) : IRangeBody
        where TOp : struct, IFusedUpdate
    {
        public void Invoke(int first, int end)
        {
            int start = first * Block, length = Math.Min(end * Block, value.Length) - start;
            Apply(op, value.Span.Slice(start, length), grad.Span.Slice(start, length),
                s1 is null ? default : s1.Span.Slice(start, length),
                s2 is null ? default : s2.Span.Slice(start, length), Simd.Best);
        }
    }

    /// <summary>
    /// Applies <c>ops.ForRow(row)</c> to each table row a sparse gradient touched (the row of
    /// <paramref name="value"/>, the slot of <paramref name="grad"/>, the rows of the states),
    /// splitting the rows over <see cref="Threads.Count"/> threads when there are many: touched
    /// rows are distinct, so their updates are independent and the thread count changes nothing.
    /// </summary>
    public static unsafe void RunRows<TOp, TRows>(TRows ops, Tensor value, SparseGrad grad, Tensor? s1, Tensor? s2)
        where TOp : struct, IFusedUpdate where TRows : struct, IRowUpdates<TOp>
    {
        var body = new TouchedRows<TOp, TRows>(ops, value, grad, s1, s2);
        Parallelism.For(grad.Count, (long)grad.Count * grad.Cols * 4, body);
    }

    readonly struct TouchedRows<TOp, TRows>(TRows ops, Tensor value, SparseGrad grad, Tensor? s1, Tensor? s2) : IRangeBody
        where TOp : struct, IFusedUpdate where TRows : struct, IRowUpdates<TOp>
    {
        public void Invoke(int start, int end)
        {
            var rows = grad.Rows;
            for (int slot = start; slot < end; slot++)
            {
                int row = rows[slot];
                Apply(ops.ForRow(row), value.RowSpan(row), grad.Values(slot),
                    s1 is null ? default : s1.RowSpan(row), s2 is null ? default : s2.RowSpan(row), Simd.Best);
            }
        }
    }

    /// <summary>
    /// Applies <paramref name="op"/> to each element with the given instruction set:
    /// <c>op(ref value[i], grad[i], ref s1[i], ref s2[i])</c>. An empty state span means the op
    /// does not keep that state; the op never touches it.
    /// </summary>
    public static void Apply<TOp>(in TOp op, Span<float> value, ReadOnlySpan<float> grad, Span<float> s1, Span<float> s2, SimdLevel level)
        where TOp : struct, IFusedUpdate
    {
        int n = value.Length;
        Debug.Assert(grad.Length == n && (s1.IsEmpty || s1.Length == n) && (s2.IsEmpty || s2.Length == n));
        Debug.Assert(level <= Simd.Best);
        ref float p = ref MemoryMarshal.GetReference(value);
        ref float g = ref MemoryMarshal.GetReference(grad);
        // An absent state is never read or written by the op; aliasing it to the parameter keeps every reference in bounds.
        ref float a = ref s1.IsEmpty ? ref p : ref MemoryMarshal.GetReference(s1);
        ref float b = ref s2.IsEmpty ? ref p : ref MemoryMarshal.GetReference(s2);
        int i = 0;
        if (level == SimdLevel.Avx512)
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
                op.Invoke512(ref Unsafe.Add(ref p, i), in Unsafe.Add(ref g, i), ref Unsafe.Add(ref a, i), ref Unsafe.Add(ref b, i));
        else if (level == SimdLevel.Avx2)
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
                op.Invoke256(ref Unsafe.Add(ref p, i), in Unsafe.Add(ref g, i), ref Unsafe.Add(ref a, i), ref Unsafe.Add(ref b, i));
        for (; i < n; i++)
            op.Invoke(ref Unsafe.Add(ref p, i), in Unsafe.Add(ref g, i), ref Unsafe.Add(ref a, i), ref Unsafe.Add(ref b, i));
    }
}
