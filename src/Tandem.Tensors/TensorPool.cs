using System.Buffers;

namespace Tandem.Tensors;

/// <summary>
/// The buffer pool behind every <see cref="Tensor"/>: a training loop that disposes its
/// intermediates rents the same arrays step after step and allocates nothing in steady state.
/// </summary>
public static class TensorPool
{
    // Shared rents up to 2^30 elements bucketed by powers of two; a dedicated pool keeps
    // Tandem's large buffers from crowding out other users of ArrayPool<float>.Shared.
    static readonly ArrayPool<float> Pool = ArrayPool<float>.Create(1 << 30, 64);

    /// <summary>Rents an array of at least <paramref name="length"/> floats; contents are undefined.</summary>
    public static float[] Rent(int length) => length == 0 ? [] : Pool.Rent(length);

    /// <summary>Returns an array obtained from <see cref="Rent"/>.</summary>
    public static void Return(float[] buffer)
    {
        if (buffer.Length != 0) Pool.Return(buffer);
    }
}
