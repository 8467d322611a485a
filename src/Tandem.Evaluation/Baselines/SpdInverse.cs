using System.Numerics.Tensors;

namespace Tandem.Evaluation.Baselines;

/// <summary>
/// The inverse of a symmetric positive-definite matrix by Cholesky factorisation in double
/// precision: <c>A = L·Lᵀ</c>, then each column of <c>A⁻¹</c> by a forward and a back substitution.
/// Every inner loop is a contiguous dot product (L and Lᵀ are both kept row-major). Time n³ (n³/3 for
/// the factor, 2n³/3 for the columns, spread over threads); memory 3 n² doubles.
/// </summary>
static class SpdInverse
{
    /// <summary>The inverse of the row-major n×n matrix <paramref name="a"/> (only its lower triangle is read), row-major.</summary>
    /// <exception cref="TandemException">The matrix is not positive definite (a pivot is not positive).</exception>
    public static double[] Of(ReadOnlySpan<double> a, int n)
    {
        var l = new double[n * n];
        for (int j = 0; j < n; j++)
        {
            var lj = l.AsSpan(j * n, j);
            double pivot = a[j * n + j] - TensorPrimitives.Dot<double>(lj, lj);
            if (!(pivot > 0)) EvaluationThrow.Input($"The {n}×{n} matrix to invert is not positive definite (pivot {j} is {pivot}); raise the regularisation.");
            double diagonal = l[j * n + j] = Math.Sqrt(pivot);
            for (int i = j + 1; i < n; i++)
                l[i * n + j] = (a[i * n + j] - TensorPrimitives.Dot<double>(l.AsSpan(i * n, j), lj)) / diagonal;
        }
        var lt = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++) lt[j * n + i] = l[i * n + j];

        var inverse = new double[n * n];
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = Tandem.Tensors.Threads.Count }, () => new double[n], (column, _, x) =>
        {
            // Solve L·y = e_column, then Lᵀ·x = y; y is zero above the column, so forward substitution starts there.
            Array.Clear(x);
            for (int i = column; i < n; i++)
                x[i] = ((i == column ? 1 : 0) - TensorPrimitives.Dot<double>(l.AsSpan(i * n + column, i - column), x.AsSpan(column, i - column))) / l[i * n + i];
            for (int i = n - 1; i >= 0; i--)
                x[i] = (x[i] - TensorPrimitives.Dot<double>(lt.AsSpan(i * n + i + 1, n - i - 1), x.AsSpan(i + 1, n - i - 1))) / lt[i * n + i];
            for (int i = 0; i < n; i++) inverse[i * n + column] = x[i];
            return x;
        }, _ => { });
        return inverse;
    }
}
