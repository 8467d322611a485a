using System.Numerics.Tensors;
using Tandem.Retrieval.Kernels;
using Tandem.Tensors;
using Tandem.Tensors.Kernels;

namespace Tandem.Retrieval;

/// <summary>Settings of <see cref="KMeans"/>; the default value uses the documented defaults.</summary>
public readonly record struct KMeansOptions
{
    /// <summary>Lloyd iterations after seeding; 0 means the default, 10.</summary>
    public int Iterations { get; init; }

    /// <summary>Seed of sampling and k-means++ draws. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>Training points kept per centroid (a seeded sample beyond that); 0 means the default, 256 (as FAISS).</summary>
    public int MaxPointsPerCentroid { get; init; }

    /// <summary>Points per centroid sampled for k-means++ seeding; 0 means the default, 16.</summary>
    public int SeedingPointsPerCentroid { get; init; }

    /// <summary>True for spherical k-means: centroids are re-normalised after each update (inner-product indexes).</summary>
    public bool Spherical { get; init; }
}

/// <summary>
/// Seeded k-means with k-means++ initialisation, squared-L2 assignment through the blocked SGEMM
/// (<c>‖x - c‖² = ‖x‖² - 2 x·c + ‖c‖²</c>), empty clusters re-seeded by splitting the largest one.
/// </summary>
public static unsafe class KMeans
{
    /// <summary>Learns <paramref name="k"/> centroids (row-major k×d) from <paramref name="data"/> (row-major n×d).</summary>
    /// <exception cref="TandemException">Fewer points than centroids.</exception>
    /// <exception cref="ArgumentException">The data is not a whole number of vectors.</exception>
    public static float[] Train(ReadOnlySpan<float> data, int d, int k, KMeansOptions options = default)
    {
        if (d <= 0 || data.Length % d != 0) RetrievalThrow.Argument($"k-means data of {data.Length} floats is not a whole number of {d}-dimensional vectors.");
        int n = data.Length / d;
        if (k <= 0 || n < k) RetrievalThrow.Input($"k-means needs at least as many points as centroids: {n} points for {k} centroids; train on more vectors or use fewer lists.");
        int iterations = options.Iterations > 0 ? options.Iterations : 10;
        var random = new Random(options.Seed);
        var points = Sample(data, d, n, Math.Min(n, k * (options.MaxPointsPerCentroid > 0 ? options.MaxPointsPerCentroid : 256)), random);
        int count = points.Length / d;
        var centroids = PlusPlus(points, d, Math.Min(count, k * (options.SeedingPointsPerCentroid > 0 ? options.SeedingPointsPerCentroid : 16)), k, random);
        var assignment = new int[count];
        var sums = new double[(long)k * d];
        var sizes = new int[k];
        for (int iteration = 0; iteration < iterations; iteration++)
        {
            Assign(points, centroids, d, assignment);
            Array.Clear(sums); Array.Clear(sizes);
            for (int i = 0; i < count; i++)
            {
                int c = assignment[i];
                sizes[c]++;
                for (int j = 0; j < d; j++) sums[(long)c * d + j] += points[(long)i * d + j];
            }
            for (int c = 0; c < k; c++)
            {
                if (sizes[c] == 0) continue;
                for (int j = 0; j < d; j++) centroids[(long)c * d + j] = (float)(sums[(long)c * d + j] / sizes[c]);
                if (options.Spherical) Distance.Normalize(centroids.AsSpan(c * d, d));
            }
            SplitLargest(centroids, sizes, d, random);
        }
        return centroids;
    }

    static float[] Sample(ReadOnlySpan<float> data, int d, int n, int keep, Random random)
    {
        if (keep == n) return data.ToArray();
        // Partial Fisher-Yates: the first `keep` entries of a seeded permutation.
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        for (int i = 0; i < keep; i++) { int j = random.Next(i, n); (order[i], order[j]) = (order[j], order[i]); }
        var sample = new float[(long)keep * d];
        for (int i = 0; i < keep; i++) data.Slice(order[i] * d, d).CopyTo(sample.AsSpan(i * d, d));
        return sample;
    }

    /// <summary>k-means++: each next centroid drawn with probability proportional to the squared distance to the nearest chosen one.</summary>
    static float[] PlusPlus(float[] points, int d, int sampleCount, int k, Random random)
    {
        var centroids = new float[(long)k * d];
        var nearest = new float[sampleCount];
        Array.Fill(nearest, float.PositiveInfinity);
        int chosen = random.Next(sampleCount);
        for (int c = 0; c < k; c++)
        {
            points.AsSpan(chosen * d, d).CopyTo(centroids.AsSpan(c * d, d));
            var centroid = centroids.AsSpan(c * d, d).ToArray();
            double total = 0;
            // Threads only pay off on big samples; small ones (PQ codebooks) run inline.
            var partial = new double[(long)sampleCount * d >= 1 << 18 ? Math.Max(1, Threads.Count) : 1];
            Parallel.For(0, partial.Length, new ParallelOptions { MaxDegreeOfParallelism = partial.Length }, t =>
            {
                int from = (int)((long)sampleCount * t / partial.Length), to = (int)((long)sampleCount * (t + 1) / partial.Length);
                double sum = 0;
                for (int i = from; i < to; i++)
                {
                    float dist = TensorPrimitives.Distance(points.AsSpan(i * d, d), centroid);
                    dist *= dist;
                    if (dist < nearest[i]) nearest[i] = dist;
                    sum += nearest[i];
                }
                partial[t] = sum;
            });
            foreach (double p in partial) total += p;
            if (c + 1 == k) break;
            double target = random.NextDouble() * total;
            chosen = sampleCount - 1;
            for (int i = 0; i < sampleCount; i++)
            {
                target -= nearest[i];
                if (target < 0) { chosen = i; break; }
            }
        }
        return centroids;
    }

    /// <summary>Each point's nearest centroid.</summary>
    internal static int[] Assign(ReadOnlySpan<float> points, ReadOnlySpan<float> centroids, int d)
    {
        var assignment = new int[points.Length / d];
        Assign(points, centroids, d, assignment);
        return assignment;
    }

    /// <summary>Subtracts from each point its assigned centroid, leaving the residuals a quantizer encodes.</summary>
    internal static void SubtractAssigned(Span<float> points, ReadOnlySpan<float> centroids, int d, ReadOnlySpan<int> assignment)
    {
        for (int i = 0; i < assignment.Length; i++)
        {
            var v = points.Slice(i * d, d);
            TensorPrimitives.Subtract(v, centroids.Slice(assignment[i] * d, d), v);
        }
    }

    /// <summary>
    /// Index of the nearest centroid (squared L2) for each point: as FAISS, blocks of points go through
    /// the blocked SGEMM against all centroids (<c>‖x - c‖² = ‖x‖² - 2 x·c + ‖c‖²</c>) and a vectorised
    /// arg-min; blocks run on <see cref="Threads.Count"/> threads, one single-threaded GEMM each.
    /// </summary>
    internal static void Assign(ReadOnlySpan<float> points, ReadOnlySpan<float> centroids, int d, Span<int> assignment, Span<float> distances = default) =>
        Assign(points, centroids, d, assignment, distances, Simd.Best);

    /// <summary><see cref="Assign(ReadOnlySpan{float}, ReadOnlySpan{float}, int, Span{int}, Span{float})"/> at a chosen SIMD level, for tests.</summary>
    internal static void Assign(ReadOnlySpan<float> points, ReadOnlySpan<float> centroids, int d, Span<int> assignment, Span<float> distances, SimdLevel level)
    {
        int n = points.Length / d, k = centroids.Length / d;
        var centroidNorms = new float[k];
        for (int c = 0; c < k; c++) centroidNorms[c] = TensorPrimitives.Dot(centroids.Slice(c * d, d), centroids.Slice(c * d, d));
        // Rows per GEMM: enough to amortise packing the centroids, few enough that the products stay near cache.
        int block = Math.Clamp((1 << 20) / k, 16, 256);
        int blocks = (n + block - 1) / block;
        int threads = (long)n * k * d >= 1 << 22 ? Threads.Count : 1;
        bool wantDistances = !distances.IsEmpty;
        fixed (float* pp = points, pc = centroids)
        fixed (int* pa = assignment)
        fixed (float* pd = distances)
        {
            float* points0 = pp, centroids0 = pc, distances0 = pd;
            int* assignment0 = pa;
            Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = threads }, () => new float[block * k], (b, _, products) =>
            {
                int first = b * block, rows = Math.Min(block, n - first);
                var x = new ReadOnlySpan<float>(points0 + (long)first * d, rows * d);
                // products = -2 x·c, then + ‖c‖²: the squared distance less ‖x‖², which does not change the arg-min.
                Gemm.Multiply(x, new ReadOnlySpan<float>(centroids0, k * d), products, rows, k, d, false, true, -2f, false, level, 1);
                for (int r = 0; r < rows; r++)
                {
                    var row = products.AsSpan(r * k, k);
                    TensorPrimitives.Add(row, centroidNorms, row);
                    int best = TensorPrimitives.IndexOfMin(row);
                    assignment0[first + r] = best;
                    if (wantDistances)
                    {
                        var point = x.Slice(r * d, d);
                        distances0[first + r] = Math.Max(0, row[best] + TensorPrimitives.Dot(point, point));
                    }
                }
                return products;
            }, _ => { });
        }
    }

    /// <summary>Re-seeds each empty cluster next to the largest one, perturbed, and halves their counts (as FAISS).</summary>
    static void SplitLargest(float[] centroids, int[] sizes, int d, Random random)
    {
        for (int c = 0; c < sizes.Length; c++)
        {
            if (sizes[c] > 0) continue;
            int largest = 0;
            for (int j = 1; j < sizes.Length; j++) if (sizes[j] > sizes[largest]) largest = j;
            if (sizes[largest] < 2) return;
            for (int j = 0; j < d; j++)
            {
                float value = centroids[(long)largest * d + j], eps = 1f / 1024 * (random.NextSingle() < 0.5f ? 1 : -1);
                centroids[(long)c * d + j] = value * (1 + eps);
                centroids[(long)largest * d + j] = value * (1 - eps);
            }
            sizes[c] = sizes[largest] / 2;
            sizes[largest] -= sizes[c];
        }
    }
}
