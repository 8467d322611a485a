using System.Numerics;

namespace Tandem.Evaluation.Ranking;

/// <summary>
/// The 1-based rank of one item in a full score row under the evaluators' total order (higher score
/// first, equal scores by lower item id), counted without sorting: items with a NaN score (masked)
/// never count. Vectorised with <see cref="Vector{T}"/>; a scalar loop takes the remainder.
/// </summary>
static class RankCounter
{
    /// <summary><c>1 + #{j &lt; item : row[j] ≥ s} + #{j &gt; item : row[j] &gt; s}</c> where <c>s = row[item]</c>.</summary>
    public static int Rank(ReadOnlySpan<float> row, int item)
    {
        float s = row[item];
        return 1 + Count<AtLeast>(row[..item], s) + Count<Above>(row[(item + 1)..], s);
    }

    static int Count<TCompare>(ReadOnlySpan<float> values, float s) where TCompare : struct, ICompare
    {
        int i = 0, count = 0;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<float>.Count)
        {
            var threshold = new Vector<float>(s);
            var lanes = Vector<int>.Zero;
            for (; i <= values.Length - Vector<float>.Count; i += Vector<float>.Count)
                lanes -= TCompare.Mask(new Vector<float>(values[i..]), threshold); // a true lane is -1
            count = Vector.Sum(lanes);
        }
        for (; i < values.Length; i++)
            if (TCompare.Test(values[i], s)) count++;
        return count;
    }

    interface ICompare
    {
        static abstract Vector<int> Mask(Vector<float> x, Vector<float> s);
        static abstract bool Test(float x, float s);
    }

    readonly struct Above : ICompare
    {
        public static Vector<int> Mask(Vector<float> x, Vector<float> s) => Vector.GreaterThan(x, s);
        public static bool Test(float x, float s) => x > s;
    }

    readonly struct AtLeast : ICompare
    {
        public static Vector<int> Mask(Vector<float> x, Vector<float> s) => Vector.GreaterThanOrEqual(x, s);
        public static bool Test(float x, float s) => x >= s;
    }
}
