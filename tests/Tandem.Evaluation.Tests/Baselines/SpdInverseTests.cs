using Tandem.Evaluation.Baselines;

namespace Tandem.Evaluation.Tests.Baselines;

public class SpdInverseTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(64)]
    public void TimesTheMatrixGivesTheIdentity(int n)
    {
        // A = MᵀM + I on random M: symmetric positive definite.
        var rng = new Random(n);
        var m = new double[n * n];
        for (int i = 0; i < m.Length; i++) m[i] = rng.NextDouble() * 2 - 1;
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                for (int k = 0; k < n; k++) a[i * n + j] += m[k * n + i] * m[k * n + j];
                if (i == j) a[i * n + j] += 1;
            }
        var inverse = SpdInverse.Of(a, n);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int k = 0; k < n; k++) sum += a[i * n + k] * inverse[k * n + j];
                Assert.Equal(i == j ? 1 : 0, sum, 9);
            }
    }

    [Fact]
    public void ANonPositiveDefiniteMatrixIsOneClearError()
    {
        var error = Assert.Throws<TandemException>(() => SpdInverse.Of([1, 2, 2, 1], 2));
        Assert.Contains("not positive definite", error.Message);
    }
}
