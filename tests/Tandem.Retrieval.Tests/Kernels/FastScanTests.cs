using Tandem.Retrieval.Kernels;
using Tandem.Tensors;

namespace Tandem.Retrieval.Tests.Kernels;

public class FastScanTests
{
    [Theory]
    [InlineData(2, 32)]
    [InlineData(6, 32)]
    [InlineData(16, 32)]
    [InlineData(32, 20)]
    [InlineData(64, 1)]
    public unsafe void EveryPathMatchesDirectLookups(int subQuantizers, int count)
    {
        var random = new Random(subQuantizers * 100 + count);
        // Per-vector codes, two 4-bit codes to a byte; tables of random bytes (never all zero).
        var codes = new byte[count * subQuantizers / 2];
        random.NextBytes(codes);
        var table = new byte[FastScan.BlockBytes(subQuantizers)];
        random.NextBytes(table.AsSpan(0, subQuantizers * 16));
        var block = new byte[FastScan.BlockBytes(subQuantizers)];
        FastScan.Pack(codes, count, subQuantizers, block);
        var expected = new int[count];
        for (int v = 0; v < count; v++)
            for (int j = 0; j < subQuantizers; j++)
                expected[v] += table[j * 16 + ((codes[v * subQuantizers / 2 + j / 2] >> (4 * (j & 1))) & 15)];
        foreach (var level in Simd.Supported)
        {
            var sums = new ushort[FastScan.BlockSize];
            fixed (byte* c = block, t = table)
            fixed (ushort* s = sums)
                FastScan.Sums(c, t, FastScan.Padded(subQuantizers), level, s);
            for (int v = 0; v < count; v++) Assert.True(expected[v] == sums[v], $"{level}, vector {v}: {sums[v]} != {expected[v]}");
        }
    }
}

public class KMeansAssignTests
{
    [Theory]
    [InlineData(100, 7, 3)]
    [InlineData(300, 256, 4)]
    [InlineData(517, 40, 33)]
    [InlineData(64, 16, 64)]
    public void EveryLevelFindsTheNearestCentroid(int n, int k, int d)
    {
        var points = TestData.Uniform(n * d, 41);
        var centroids = TestData.Uniform(k * d, 42);
        foreach (var level in Simd.Supported)
        {
            var assignment = new int[n];
            var distances = new float[n];
            KMeans.Assign(points, centroids, d, assignment, distances, level);
            for (int i = 0; i < n; i++)
            {
                // The double-precision nearest distance; a float tie may pick another centroid at the same distance.
                double best = double.MaxValue, chosen = 0;
                for (int c = 0; c < k; c++)
                {
                    double dist = 0;
                    for (int j = 0; j < d; j++) { double diff = (double)points[i * d + j] - centroids[c * d + j]; dist += diff * diff; }
                    best = Math.Min(best, dist);
                    if (c == assignment[i]) chosen = dist;
                }
                Assert.True(chosen - best <= 1e-4 * d, $"{level}, point {i}: centroid {assignment[i]} at {chosen}, nearest at {best}");
                Assert.Equal(best, distances[i], 1e-4 * d);
            }
        }
    }
}

public class KeepBestTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(37, 5)]
    [InlineData(1000, 10)]
    public unsafe void EveryLevelKeepsTheSmallest(int n, int k)
    {
        var row = TestData.Uniform(n, 51);
        var labels = TestData.Ids(n, offset: 3);
        var expected = Enumerable.Range(0, n).OrderBy(i => (double)row[i]).Take(k).Select(i => labels[i]).ToArray();
        foreach (var level in Simd.Supported)
        {
            var heap = new TopK<long>(k);
            fixed (long* l = labels) KeepBest.Run(row, l, heap, null, level);
            var distances = new float[k];
            var ids = new long[k];
            heap.Drain(distances, ids);
            Assert.Equal(expected, ids.Take(Math.Min(n, k)));
            // Without labels, the label is the position.
            var positions = new TopK<long>(k);
            KeepBest.Run(row, null, positions, null, level);
            positions.Drain(distances, ids);
            Assert.Equal(expected.Select(label => label - 3), ids.Take(Math.Min(n, k)));
        }
    }
}
