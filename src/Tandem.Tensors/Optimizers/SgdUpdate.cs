using System.Runtime.Intrinsics;

namespace Tandem.Tensors.Optimizers;

/// <summary>
/// The fused SGD element update, with the velocity <c>b = s1</c> (s2 unused; s1 too without momentum):
/// <code>
/// g' = g + L2·p
/// b  = μ·b + g'                     (only with momentum)
/// d  = Nesterov ? g' + μ·b : b      (d = g' without momentum)
/// p  = p - lr·d
/// </code>
/// </summary>
readonly struct SgdUpdate(float learningRate, float momentum, bool nesterov, float l2) : IFusedUpdate
{
    public void Invoke(ref float p, ref readonly float g, ref float b, ref float unused)
    {
        float d = g + l2 * p;
        if (momentum != 0)
        {
            b = momentum * b + d;
            d = nesterov ? d + momentum * b : b;
        }
        p = p - learningRate * d;
    }

    public void Invoke256(ref float p, ref readonly float g, ref float b, ref float unused)
    {
        var pv = Vector256.LoadUnsafe(ref p);
        var d = Vector256.LoadUnsafe(in g) + Vector256.Create(l2) * pv;
        if (momentum != 0)
        {
            var mu = Vector256.Create(momentum);
            var bv = mu * Vector256.LoadUnsafe(ref b) + d;
            bv.StoreUnsafe(ref b);
            d = nesterov ? d + mu * bv : bv;
        }
        (pv - Vector256.Create(learningRate) * d).StoreUnsafe(ref p);
    }

    public void Invoke512(ref float p, ref readonly float g, ref float b, ref float unused)
    {
        var pv = Vector512.LoadUnsafe(ref p);
        var d = Vector512.LoadUnsafe(in g) + Vector512.Create(l2) * pv;
        if (momentum != 0)
        {
            var mu = Vector512.Create(momentum);
            var bv = mu * Vector512.LoadUnsafe(ref b) + d;
            bv.StoreUnsafe(ref b);
            d = nesterov ? d + mu * bv : bv;
        }
        (pv - Vector512.Create(learningRate) * d).StoreUnsafe(ref p);
    }
}
