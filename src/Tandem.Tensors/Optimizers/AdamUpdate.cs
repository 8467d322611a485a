using System.Runtime.Intrinsics;

namespace Tandem.Tensors.Optimizers;

/// <summary>
/// The fused Adam/AdamW element update, with <c>m = s1</c> and <c>v = s2</c>:
/// <code>
/// g' = g + L2·p
/// m  = β1·m + (1-β1)·g'
/// v  = β2·v + (1-β2)·g'·g'
/// p  = p·Decay - StepSize·(m / (√v / SqrtBias2 + ε))
/// </code>
/// Adam sets <c>L2 = weight decay</c>, <c>Decay = 1</c>; AdamW sets <c>L2 = 0</c>, <c>Decay = 1 - lr·weight decay</c>.
/// <c>StepSize = lr / (1 - β1^t)</c> and <c>SqrtBias2 = √(1 - β2^t)</c>.
/// </summary>
readonly struct AdamUpdate(float beta1, float beta2, float epsilon, float l2, float decay, float stepSize, float sqrtBias2) : IFusedUpdate
{
    readonly float oneMinusBeta1 = 1 - beta1, oneMinusBeta2 = 1 - beta2;

    public void Invoke(ref float p, ref readonly float g, ref float m, ref float v)
    {
        float gg = g + l2 * p;
        m = beta1 * m + oneMinusBeta1 * gg;
        v = beta2 * v + oneMinusBeta2 * gg * gg;
        p = p * decay - stepSize * (m / (MathF.Sqrt(v) / sqrtBias2 + epsilon));
    }

    public void Invoke256(ref float p, ref readonly float g, ref float m, ref float v)
    {
        var pv = Vector256.LoadUnsafe(ref p);
        var gg = Vector256.LoadUnsafe(in g) + Vector256.Create(l2) * pv;
        var mv = Vector256.Create(beta1) * Vector256.LoadUnsafe(ref m) + Vector256.Create(oneMinusBeta1) * gg;
        var vv = Vector256.Create(beta2) * Vector256.LoadUnsafe(ref v) + Vector256.Create(oneMinusBeta2) * gg * gg;
        mv.StoreUnsafe(ref m);
        vv.StoreUnsafe(ref v);
        var denom = Vector256.Sqrt(vv) / Vector256.Create(sqrtBias2) + Vector256.Create(epsilon);
        (pv * Vector256.Create(decay) - Vector256.Create(stepSize) * (mv / denom)).StoreUnsafe(ref p);
    }

    public void Invoke512(ref float p, ref readonly float g, ref float m, ref float v)
    {
        var pv = Vector512.LoadUnsafe(ref p);
        var gg = Vector512.LoadUnsafe(in g) + Vector512.Create(l2) * pv;
        var mv = Vector512.Create(beta1) * Vector512.LoadUnsafe(ref m) + Vector512.Create(oneMinusBeta1) * gg;
        var vv = Vector512.Create(beta2) * Vector512.LoadUnsafe(ref v) + Vector512.Create(oneMinusBeta2) * gg * gg;
        mv.StoreUnsafe(ref m);
        vv.StoreUnsafe(ref v);
        var denom = Vector512.Sqrt(vv) / Vector512.Create(sqrtBias2) + Vector512.Create(epsilon);
        (pv * Vector512.Create(decay) - Vector512.Create(stepSize) * (mv / denom)).StoreUnsafe(ref p);
    }
}
