namespace Tandem.Tensors.Tests.Kernels;

using Kernels = Tandem.Tensors.Kernels.Kernels;

/// <summary>A training step calls these kernels thousands of times; below the threading threshold they must not allocate.</summary>
public class AllocationTests
{
    [Fact]
    public void SingleThreadedCallsAllocateNothing()
    {
        const int rows = 8, cols = 33, k = 4;
        var x = TestData.Uniform(rows * cols, seed: 1);
        var dy = TestData.Uniform(rows * cols, seed: 2);
        var y = new float[rows * cols];
        var dx = new float[rows * cols];
        var perRow = new float[rows];
        var perRow2 = new float[rows];
        var perCol = new float[cols];
        var perCol2 = new float[cols];
        var values = new float[rows * k];
        var indices = new int[rows * k];
        int[] ids = [1, 3, 3, 0];
        int[] offsets = [0, 2, 2, 8];
        var bags = new float[3 * cols];
        var gathered = new float[ids.Length * cols];

        void All()
        {
            Kernels.Relu(x, y); Kernels.ReluBackward(x, dy, dx);
            Kernels.Gelu(x, y); Kernels.GeluBackward(x, dy, dx);
            Kernels.AddBias(x, perCol, y); Kernels.SumColumns(x, cols, perCol);
            Kernels.SoftmaxRows(x, cols, y); Kernels.SoftmaxRowsBackward(y, cols, dy, dx);
            Kernels.LogSoftmaxRows(x, cols, y); Kernels.LogSoftmaxRowsBackward(y, cols, dy, dx);
            Kernels.L2NormalizeRows(x, cols, y, perRow); Kernels.L2NormalizeRowsBackward(y, cols, perRow, dy, dx);
            Kernels.LayerNormRows(x, cols, perCol, perCol2, y, perRow, perRow2);
            Kernels.LayerNormRowsBackward(x, cols, perCol, perRow, perRow2, dy, dx, perCol, perCol2);
            Kernels.SumRows(x, cols, perRow); Kernels.MeanRows(x, cols, perRow); Kernels.MaxRows(x, cols, perRow);
            Kernels.GatherRows(x, cols, ids, gathered); Kernels.ScatterAddRows(gathered, cols, ids, y);
            Kernels.SegmentSum(x, cols, offsets, bags); Kernels.SegmentMean(x, cols, offsets, bags);
            Kernels.SegmentSumBackward(bags, cols, offsets, dx); Kernels.SegmentMeanBackward(bags, cols, offsets, dx);
            Kernels.TopK(x, cols, k, values, indices);
        }

        for (int i = 0; i < 3; i++) All(); // warm up pools and lazy statics
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) All();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
