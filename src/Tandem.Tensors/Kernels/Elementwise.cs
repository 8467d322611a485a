using System.Numerics.Tensors;

namespace Tandem.Tensors.Kernels;

// Element-wise operations System.Numerics.Tensors already vectorises; each entry only delegates.
// TensorPrimitives throws ArgumentException when the inputs' lengths differ or the destination is
// shorter than the input, and writes only the first x.Length values of a longer destination.
public static partial class Kernels
{
    /// <summary><c>y[i] = 1 / (1 + exp(-x[i]))</c>.</summary>
    /// <exception cref="ArgumentException"><paramref name="y"/> is shorter than <paramref name="x"/>.</exception>
    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Sigmoid(x, y);

    /// <summary><c>y[i] = tanh(x[i])</c>.</summary>
    /// <exception cref="ArgumentException"><paramref name="y"/> is shorter than <paramref name="x"/>.</exception>
    public static void Tanh(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Tanh(x, y);

    /// <summary><c>y[i] = exp(x[i])</c>.</summary>
    /// <exception cref="ArgumentException"><paramref name="y"/> is shorter than <paramref name="x"/>.</exception>
    public static void Exp(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Exp(x, y);

    /// <summary><c>y[i] = log(x[i])</c> (natural logarithm).</summary>
    /// <exception cref="ArgumentException"><paramref name="y"/> is shorter than <paramref name="x"/>.</exception>
    public static void Log(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Log(x, y);

    /// <summary><c>destination[i] = x[i] + y[i]</c>.</summary>
    /// <exception cref="ArgumentException"><paramref name="y"/> is not as long as <paramref name="x"/>, or <paramref name="destination"/> is shorter.</exception>
    public static void Add(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination) => TensorPrimitives.Add(x, y, destination);

    /// <summary><c>destination[i] = x[i] - y[i]</c>.</summary>
    /// <exception cref="ArgumentException"><paramref name="y"/> is not as long as <paramref name="x"/>, or <paramref name="destination"/> is shorter.</exception>
    public static void Subtract(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination) => TensorPrimitives.Subtract(x, y, destination);

    /// <summary><c>destination[i] = x[i] · y[i]</c>.</summary>
    /// <exception cref="ArgumentException"><paramref name="y"/> is not as long as <paramref name="x"/>, or <paramref name="destination"/> is shorter.</exception>
    public static void Multiply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination) => TensorPrimitives.Multiply(x, y, destination);

    /// <summary><c>y[i] = x[i] · s</c>.</summary>
    /// <exception cref="ArgumentException"><paramref name="y"/> is shorter than <paramref name="x"/>.</exception>
    public static void Scale(ReadOnlySpan<float> x, float s, Span<float> y) => TensorPrimitives.Multiply(x, s, y);

    /// <summary><c>y[i] = y[i] + a · x[i]</c>, in place on <paramref name="y"/> (BLAS axpy).</summary>
    /// <exception cref="ArgumentException"><paramref name="y"/> is not as long as <paramref name="x"/>.</exception>
    public static void AddScaled(ReadOnlySpan<float> x, float a, Span<float> y) => TensorPrimitives.MultiplyAdd(x, a, y, y);

    /// <summary>Σ x[i] · y[i].</summary>
    /// <exception cref="ArgumentException"><paramref name="y"/> is not as long as <paramref name="x"/>.</exception>
    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y) => TensorPrimitives.Dot(x, y);

    /// <summary>Σ x[i].</summary>
    public static float Sum(ReadOnlySpan<float> x) => TensorPrimitives.Sum(x);
}
