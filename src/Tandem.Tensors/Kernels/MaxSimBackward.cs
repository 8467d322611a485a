using System.Numerics.Tensors;

namespace Tandem.Tensors.Kernels;

public static partial class Kernels
{
    /// <summary>
    /// The gradient of <see cref="MaxSimPairs"/> given the maxima's positions: each query vector's
    /// gradient is the sum over candidates of dScores[b, k] times the candidate row it matched,
    /// <c>dQueries[b, i] = Σ_k dScores[b·C + k] · candidates[k, argmax[b, k, i]]</c>, and each candidate row
    /// receives the query vectors that matched it, <c>dCandidates[k, j] = Σ_{b, i: argmax[b, k, i] = j} dScores[b·C + k] · queries[b, i]</c>.
    /// Padding rows get zeros. Either output may be empty (not wanted). Queries are split over threads
    /// for the first, candidates for the second, each row summed in a fixed order, so the thread
    /// count does not change a bit. The caller validates the shapes.
    /// </summary>
    internal static unsafe void MaxSimPairsBackward(ReadOnlySpan<float> dScores, ReadOnlySpan<float> queries, int queryRows, int queryItems,
        ReadOnlySpan<float> candidates, int candidateRows, int candidateItems, int width, ReadOnlySpan<int> argmax,
        Span<float> dQueries, Span<float> dCandidates)
    {
        long work = (long)queryItems * candidateItems * queryRows * width;
        fixed (float* pd = dScores, pq = queries, pc = candidates, pdq = dQueries, pdc = dCandidates)
        fixed (int* pa = argmax)
        {
            var shape = new MaxSimShape(pd, pq, queryRows, queryItems, pc, candidateRows, candidateItems, width, pa);
            if (!dQueries.IsEmpty)
            {
                dQueries.Clear();
                Parallelism.For(queryItems, work, new MaxSimQueryGradient(shape, pdq));
            }
            if (!dCandidates.IsEmpty)
            {
                dCandidates.Clear();
                Parallelism.For(candidateItems, work, new MaxSimCandidateGradient(shape, pdc));
            }
        }
    }
}

/// <summary>The pointers and sizes of one <see cref="Kernels.MaxSimPairsBackward"/> call.</summary>
internal readonly unsafe struct MaxSimShape(float* dScores, float* queries, int queryRows, int queryItems,
    float* candidates, int candidateRows, int candidateItems, int width, int* argmax)
{
    public readonly float* DScores = dScores, Queries = queries, Candidates = candidates;
    public readonly int QueryRows = queryRows, QueryItems = queryItems, CandidateRows = candidateRows, CandidateItems = candidateItems, Width = width;
    public readonly int* Argmax = argmax;

    /// <summary><c>destination += scale · source</c> over one row.</summary>
    public void Axpy(float* source, float scale, float* destination)
    {
        var row = new Span<float>(destination, Width);
        TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(source, Width), scale, row, row);
    }
}

/// <summary>Queries start..end: each of their vectors gathers the candidate rows it matched.</summary>
internal readonly unsafe struct MaxSimQueryGradient(MaxSimShape s, float* dQueries) : IRangeBody
{
    public void Invoke(int start, int end)
    {
        for (int b = start; b < end; b++)
            for (int k = 0; k < s.CandidateItems; k++)
            {
                nint pair = (nint)b * s.CandidateItems + k;
                float g = s.DScores[pair];
                int* arg = s.Argmax + pair * s.QueryRows;
                for (int i = 0; i < s.QueryRows; i++)
                    if (arg[i] >= 0)
                        s.Axpy(s.Candidates + ((nint)k * s.CandidateRows + arg[i]) * s.Width, g, dQueries + ((nint)b * s.QueryRows + i) * s.Width);
            }
    }
}

/// <summary>Candidates start..end: each matched row gathers the query vectors that matched it.</summary>
internal readonly unsafe struct MaxSimCandidateGradient(MaxSimShape s, float* dCandidates) : IRangeBody
{
    public void Invoke(int start, int end)
    {
        for (int k = start; k < end; k++)
            for (int b = 0; b < s.QueryItems; b++)
            {
                nint pair = (nint)b * s.CandidateItems + k;
                float g = s.DScores[pair];
                int* arg = s.Argmax + pair * s.QueryRows;
                for (int i = 0; i < s.QueryRows; i++)
                    if (arg[i] >= 0)
                        s.Axpy(s.Queries + ((nint)b * s.QueryRows + i) * s.Width, g, dCandidates + ((nint)k * s.CandidateRows + arg[i]) * s.Width);
            }
    }
}
