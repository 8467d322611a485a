using Tandem.Tensors.Optimizers;
using static Tandem.Tensors.Tests.Optimizers.Fixtures;

namespace Tandem.Tensors.Tests.Optimizers;

/// <summary>Every SIMD path of every fused update against the scalar path, bit for bit.</summary>
public class FusedUpdateTests
{
    // Lengths below, at and around both vector widths, to hit every remainder.
    static readonly int[] Lengths = [1, 7, 8, 15, 16, 17, 31, 33, 1001];

    public static TheoryData<string> Ops => ["sgd", "sgd-momentum", "sgd-nesterov", "adagrad", "adam", "adamw"];

    static void Apply(string op, Span<float> p, ReadOnlySpan<float> g, Span<float> s1, Span<float> s2, SimdLevel level)
    {
        switch (op)
        {
            case "sgd": FusedUpdate.Apply(new SgdUpdate(0.05f, 0, false, 0.01f), p, g, default, default, level); break;
            case "sgd-momentum": FusedUpdate.Apply(new SgdUpdate(0.05f, 0.9f, false, 0.01f), p, g, s1, default, level); break;
            case "sgd-nesterov": FusedUpdate.Apply(new SgdUpdate(0.05f, 0.9f, true, 0.01f), p, g, s1, default, level); break;
            case "adagrad": FusedUpdate.Apply(new AdagradUpdate(0.05f, 1e-10f, 0.01f), p, g, s1, default, level); break;
            case "adam": FusedUpdate.Apply(new AdamUpdate(0.9f, 0.999f, 1e-8f, 0.01f, 1, 0.3f, 0.04f), p, g, s1, s2, level); break;
            case "adamw": FusedUpdate.Apply(new AdamUpdate(0.9f, 0.999f, 1e-8f, 0, 0.999f, 0.3f, 0.04f), p, g, s1, s2, level); break;
            default: throw new ArgumentException(op);
        }
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void EverySimdLevelMatchesScalarBitForBit(string op)
    {
        Assert.Contains(SimdLevel.Scalar, Simd.Supported);
        foreach (var level in Simd.Supported)
            foreach (int n in Lengths)
            {
                var rng = new Random(n);
                var p = Random(rng, n);
                // States must be valid for the op: Adagrad's sum and Adam's v are non-negative.
                var s1 = op == "adagrad" ? Random(rng, n).Select(Math.Abs).ToArray() : Random(rng, n);
                var s2 = Random(rng, n).Select(x => x * x).ToArray();
                var (refP, refS1, refS2) = ((float[])p.Clone(), (float[])s1.Clone(), (float[])s2.Clone());
                for (int step = 0; step < 3; step++)
                {
                    var g = Random(rng, n);
                    Apply(op, refP, g, refS1, refS2, SimdLevel.Scalar);
                    Apply(op, p, g, s1, s2, level);
                }
                Assert.True(refP.AsSpan().SequenceEqual(p), $"{op} parameter at {level}, n = {n}");
                Assert.True(refS1.AsSpan().SequenceEqual(s1), $"{op} state 1 at {level}, n = {n}");
                Assert.True(refS2.AsSpan().SequenceEqual(s2), $"{op} state 2 at {level}, n = {n}");
            }
    }

    [Fact]
    public void ScalarAdamMatchesTheFormulaInDouble()
    {
        var rng = new Random(5);
        var (p, g, m, v) = (Random(rng, 9), Random(rng, 9), Random(rng, 9), Random(rng, 9).Select(x => x * x).ToArray());
        var (p0, m0, v0) = ((float[])p.Clone(), (float[])m.Clone(), (float[])v.Clone());
        FusedUpdate.Apply(new AdamUpdate(0.9f, 0.999f, 1e-8f, 0.01f, 0.998f, 0.3f, 0.04f), p, g, m, v, SimdLevel.Scalar);
        for (int i = 0; i < 9; i++)
        {
            double gg = g[i] + 0.01 * p0[i];
            double mm = 0.9 * m0[i] + 0.1 * gg, vv = 0.999 * v0[i] + 0.001 * gg * gg;
            double pp = p0[i] * 0.998 - 0.3 * mm / (Math.Sqrt(vv) / 0.04 + 1e-8);
            Assert.Equal(mm, m[i], 1e-6);
            Assert.Equal(vv, v[i], 1e-6);
            Assert.Equal(pp, p[i], 1e-5);
        }
    }
}
