using Tandem.Tensors.Autograd;

namespace Tandem.Tensors.Tests;

public class SparseGradTests
{
    [Fact]
    public void RepeatedRowsSumIntoOneSlotAndClearForgetsThem()
    {
        using var g = new SparseGrad(tableRows: 1000, cols: 2);
        for (int i = 0; i < 40; i++) g.Accumulate(i % 20 * 7, [1, 2]);
        Assert.Equal(20, g.Count);
        Assert.Equal([2f, 4], g.Values(0).ToArray()); // row 0 touched at i = 0 and i = 20
        Assert.Equal(7, g.Rows[1]);

        g.Clear();
        Assert.Equal(0, g.Count);
        g.Accumulate(7, [5, 5]);
        Assert.Equal([5f, 5], g.Values(0).ToArray());
    }
}
