using CsCheck;

namespace Tandem.Tensors.Tests;

/// <summary>
/// <see cref="TopK{TId}"/> as a property (CsCheck generates and shrinks): for any stream of keys with
/// ties and NaN, any k and any split into two merged parts, the result is the k smallest pairs by
/// (key, id) of a full sort, padded with +inf and -1.
/// </summary>
public class TopKPropertyTests
{
    /// <summary>Keys from 13 values (many ties) or NaN (code 13).</summary>
    static readonly Gen<(int[] Codes, int K, int Cut)> Streams =
        Gen.Select(Gen.Int[0, 13].Array[0, 120], Gen.Int[0, 40], Gen.Int[0, 120]);

    [Fact]
    public void AnySplitStreamKeepsTheKSmallestPairs()
    {
        Streams.Sample((codes, k, cut) =>
        {
            var keys = codes.Select(c => c == 13 ? float.NaN : (c - 6) * 0.5f).ToArray();
            cut = Math.Min(cut, keys.Length);
            var left = new TopK<int>(k);
            var right = new TopK<int>(k);
            // Ids arrive in reverse on the right, so arrival order differs from id order.
            for (int i = 0; i < cut; i++) left.Push(keys[i], i);
            for (int i = keys.Length - 1; i >= cut; i--) right.Push(keys[i], i);
            left.Merge(right);
            var expected = Enumerable.Range(0, keys.Length).Where(i => !float.IsNaN(keys[i]))
                .OrderBy(i => keys[i]).ThenBy(i => i).Take(k).ToArray();
            var (outKeys, outIds) = (new float[k], new int[k]);
            Assert.Equal(expected.Length, left.Drain(outKeys, outIds));
            Assert.Equal(expected.Concat(Enumerable.Repeat(-1, k - expected.Length)), outIds);
            Assert.Equal(expected.Select(i => keys[i]).Concat(Enumerable.Repeat(float.PositiveInfinity, k - expected.Length)), outKeys);
        }, iter: 2000);
    }
}
