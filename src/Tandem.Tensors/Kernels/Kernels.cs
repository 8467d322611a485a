namespace Tandem.Tensors.Kernels;

/// <summary>
/// Element-wise and row-wise float kernels on row-major spans, vectorised with AVX-512, AVX2 or
/// scalar code (<see cref="Simd.Best"/>) and split over <see cref="Threads.Count"/> threads when an
/// input is large (64K values or more). Every result is the same on one thread as on many.
/// Each call validates its arguments once on entry and throws <see cref="ArgumentException"/> (or
/// <see cref="ArgumentOutOfRangeException"/>) with a message naming the argument and the fix.
/// </summary>
/// <remarks>
/// Thread safety: the kernels hold no state. Calls from several threads at once are safe when no
/// call writes a span another call reads or writes. Unless a method says an output may be its input,
/// outputs must not overlap inputs.
/// From a namespace under <c>Tandem.Tensors</c>, the name <c>Kernels</c> finds this namespace before
/// this class; write <c>using Kernels = Tandem.Tensors.Kernels.Kernels;</c> after the file's
/// namespace declaration to call <c>Kernels.Relu(...)</c>.
/// </remarks>
public static partial class Kernels;
