using System.Runtime.Intrinsics;

namespace Tandem.Tensors.Kernels;

/// <summary>An element-wise <c>y = f(x)</c>, with the same math at every width.</summary>
internal interface IUnaryOperator
{
    static abstract float Invoke(float x);
    static abstract Vector128<float> Invoke(Vector128<float> x);
    static abstract Vector256<float> Invoke(Vector256<float> x);
    static abstract Vector512<float> Invoke(Vector512<float> x);
}

/// <summary>An element-wise <c>z = f(x, y)</c>, with the same math at every width.</summary>
internal interface IBinaryOperator
{
    static abstract float Invoke(float x, float y);
    static abstract Vector128<float> Invoke(Vector128<float> x, Vector128<float> y);
    static abstract Vector256<float> Invoke(Vector256<float> x, Vector256<float> y);
    static abstract Vector512<float> Invoke(Vector512<float> x, Vector512<float> y);
}

/// <summary>
/// One row of a row-wise kernel. The struct holds the pointers and sizes of one call; the
/// <see cref="RowDriver"/> calls <see cref="Invoke"/> once per row, possibly from several threads,
/// so a row must touch only its own outputs.
/// </summary>
internal interface IRowOperator
{
    void Invoke<TSimd, TVec>(int row) where TSimd : ISimd<TVec> where TVec : struct;
}
