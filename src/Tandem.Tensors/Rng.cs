namespace Tandem.Tensors;

/// <summary>
/// A <see cref="Random"/> whose whole state (four 64-bit words) can be read and restored, so a
/// checkpoint can save every generator a training step draws from and a resumed run draws the
/// same numbers. The generator is xoshiro256** (Blackman and Vigna), the one behind .NET's own
/// unseeded <see cref="Random"/>, seeded through SplitMix64. Every public draw is overridden, so
/// <see cref="Random.Shuffle{T}(Span{T})"/> and the rest read this state too.
/// Thread safety: none; one generator per thread.
/// </summary>
public sealed class Rng : Random
{
    /// <summary>Words in <see cref="GetState"/>.</summary>
    public const int StateLength = 4;

    ulong s0, s1, s2, s3;

    /// <summary>A generator seeded with <paramref name="seed"/>: equal seeds give equal streams.</summary>
    public Rng(int seed)
    {
        ulong x = unchecked((ulong)seed);
        s0 = SplitMix64(ref x);
        s1 = SplitMix64(ref x);
        s2 = SplitMix64(ref x);
        s3 = SplitMix64(ref x);
    }

    /// <summary>A copy of the state: <see cref="StateLength"/> words, never all zero.</summary>
    public ulong[] GetState() => [s0, s1, s2, s3];

    /// <summary>Continues from a state returned by <see cref="GetState"/>.</summary>
    /// <exception cref="ArgumentException">Not <see cref="StateLength"/> words, or all zero (a state xoshiro never leaves).</exception>
    public void SetState(ReadOnlySpan<ulong> state)
    {
        if (state.Length != StateLength) throw new ArgumentException($"A generator state is {StateLength} words, got {state.Length}.", nameof(state));
        if ((state[0] | state[1] | state[2] | state[3]) == 0) throw new ArgumentException("A generator state cannot be all zero.", nameof(state));
        (s0, s1, s2, s3) = (state[0], state[1], state[2], state[3]);
    }

    /// <summary>A standard normal draw from <paramref name="random"/>: Box–Muller's cosine branch over two uniform draws.</summary>
    public static float Gaussian(Random random)
    {
        double u1 = 1 - random.NextDouble(), u2 = random.NextDouble();
        return (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(s1 * 5, 7) * 9;
        ulong t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = ulong.RotateLeft(s3, 45);
        return result;
    }

    /// <inheritdoc/>
    public override int Next()
    {
        while (true)
        {
            ulong r = NextUInt64() >> 33; // 31 bits; int.MaxValue itself is excluded
            if (r != int.MaxValue) return (int)r;
        }
    }

    /// <inheritdoc/>
    public override int Next(int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxValue);
        return (int)Below((ulong)maxValue);
    }

    /// <inheritdoc/>
    public override int Next(int minValue, int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minValue, maxValue);
        return (int)(minValue + (long)Below((ulong)((long)maxValue - minValue)));
    }

    /// <inheritdoc/>
    public override long NextInt64()
    {
        while (true)
        {
            ulong r = NextUInt64() >> 1;
            if (r != long.MaxValue) return (long)r;
        }
    }

    /// <inheritdoc/>
    public override long NextInt64(long maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxValue);
        return (long)Below((ulong)maxValue);
    }

    /// <inheritdoc/>
    public override long NextInt64(long minValue, long maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minValue, maxValue);
        return unchecked(minValue + (long)Below((ulong)(maxValue - minValue)));
    }

    /// <inheritdoc/>
    public override double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <inheritdoc/>
    public override float NextSingle() => (NextUInt64() >> 40) * (1f / (1 << 24));

    /// <inheritdoc/>
    public override void NextBytes(byte[] buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        NextBytes(buffer.AsSpan());
    }

    /// <inheritdoc/>
    public override void NextBytes(Span<byte> buffer)
    {
        Span<byte> word = stackalloc byte[8];
        for (int at = 0; at < buffer.Length; at += 8)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(word, NextUInt64());
            word[..Math.Min(8, buffer.Length - at)].CopyTo(buffer[at..]);
        }
    }

    /// <inheritdoc/>
    protected override double Sample() => NextDouble();

    /// <summary>Uniform in [0, <paramref name="range"/>), without bias: draws below 2^64 mod range are redrawn, leaving a multiple of range equally likely values.</summary>
    ulong Below(ulong range)
    {
        if (range <= 1) return 0;
        ulong skip = (ulong.MaxValue % range + 1) % range;
        ulong r;
        do r = NextUInt64(); while (r < skip);
        return r % range;
    }

    static ulong SplitMix64(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
