using Tandem.Tensors;

namespace Tandem.Tensors.Tests;

public class TensorTests
{
    [Fact]
    public void ViewsShareTheOwnersBuffer()
    {
        using var t = Tensor.From([1, 2, 3, 4, 5, 6], 3, 2);
        var rows = t.Slice(1, 2);
        Assert.Equal([2, 2], rows.Shape.ToArray());
        Assert.Equal([3f, 4, 5, 6], rows.Span.ToArray());
        rows[0, 1] = 40;
        Assert.Equal(40, t[1, 1]);

        var flat = t.Reshape(-1);
        Assert.Equal([6], flat.Shape.ToArray());
        Assert.Equal(40, flat[3]);
        Assert.Equal([5f, 6], t.Row(2).Span.ToArray());
        Assert.Equal([2, 1], t.Strides.ToArray());
    }

    [Fact]
    public void BadShapesAreRejected()
    {
        using var t = Tensor.Zeros(2, 3);
        Assert.Throws<ArgumentException>(() => t.Reshape(4, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => t.Slice(1, 2));
        Assert.Throws<ArgumentException>(() => Tensor.From([1, 2, 3], 2, 2));
    }

    [Fact]
    public void ZerosClearsARecycledBuffer()
    {
        var dirty = Tensor.Empty(64);
        dirty.Span.Fill(7);
        dirty.Dispose();
        using var clean = Tensor.Zeros(64);
        Assert.All(clean.Span.ToArray(), v => Assert.Equal(0, v));
    }
}
