using System.Runtime.Intrinsics;

namespace Tandem.Tensors.Optimizers;

/// <summary>
/// The fused Adagrad element update, with the accumulator <c>sum = s1</c> (s2 unused):
/// <code>
/// g'  = g + L2·p
/// sum = sum + g'·g'
/// p   = p - lr·(g' / (√sum + ε))
/// </code>
/// </summary>
readonly struct AdagradUpdate(float learningRate, float epsilon, float l2) : IFusedUpdate
{
    public void Invoke(ref float p, ref readonly float g, ref float sum, ref float unused)
    {
        float gg = g + l2 * p;
        sum = sum + gg * gg;
        p = p - learningRate * (gg / (MathF.Sqrt(sum) + epsilon));
    }

    public void Invoke256(ref float p, ref readonly float g, ref float sum, ref float unused)
    {
        var pv = Vector256.LoadUnsafe(ref p);
        var gg = Vector256.LoadUnsafe(in g) + Vector256.Create(l2) * pv;
        var sv = Vector256.LoadUnsafe(ref sum) + gg * gg;
        sv.StoreUnsafe(ref sum);
        (pv - Vector256.Create(learningRate) * (gg / (Vector256.Sqrt(sv) + Vector256.Create(epsilon)))).StoreUnsafe(ref p);
    }

    public void Invoke512(ref float p, ref readonly float g, ref float sum, ref float unused)
    {
        var pv = Vector512.LoadUnsafe(ref p);
        var gg = Vector512.LoadUnsafe(in g) + Vector512.Create(l2) * pv;
        var sv = Vector512.LoadUnsafe(ref sum) + gg * gg;
        sv.StoreUnsafe(ref sum);
        (pv - Vector512.Create(learningRate) * (gg / (Vector512.Sqrt(sv) + Vector512.Create(epsilon)))).StoreUnsafe(ref p);
    }
}
