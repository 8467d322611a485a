namespace Tandem.Tensors.Optimizers;

/// <summary>
/// One optimizer's element-wise update as an operator struct: <see cref="FusedUpdate"/> owns
/// dispatch, threading and the remainder; an op only says what happens to one element or one
/// vector. Every path does the same float operations in the same order (no fused multiply-add),
/// so all <see cref="SimdLevel"/>s give bit-identical results.
/// </summary>
interface IFusedUpdate
{
    /// <summary>Updates one element of the parameter <paramref name="p"/> and its states from gradient <paramref name="g"/>.</summary>
    void Invoke(ref float p, ref readonly float g, ref float s1, ref float s2);

    /// <summary>The same for the 8 elements starting at each reference.</summary>
    void Invoke256(ref float p, ref readonly float g, ref float s1, ref float s2);

    /// <summary>The same for the 16 elements starting at each reference.</summary>
    void Invoke512(ref float p, ref readonly float g, ref float s1, ref float s2);
}
