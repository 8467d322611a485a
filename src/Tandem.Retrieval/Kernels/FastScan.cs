using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using Tandem.Tensors;

namespace Tandem.Retrieval.Kernels;

/// <summary>
/// 4-bit PQ distances by in-register table lookups (André et al.'s fast-scan, as FAISS
/// <c>IndexIVFPQFastScan</c>): codes come in blocks of <see cref="BlockSize"/> vectors, and each
/// sub-quantiser's 16-entry table of 8-bit distances sits in one 16-byte lane, so a byte shuffle
/// looks up 16 vectors at once. <c>sums[v] = Σ_j table[j][code(v, j)]</c> as 16-bit integers.
/// </summary>
/// <remarks>
/// Block layout: for each sub-quantiser <c>j</c>, 16 bytes; byte <c>t</c> holds vector <c>t</c>'s code
/// in its low nibble and vector <c>t + 16</c>'s in its high nibble. The table is 16 bytes per
/// sub-quantiser. Both are padded to a multiple of <see cref="GroupSize"/> sub-quantisers (zeros), so a
/// 512-bit vector always covers four whole sub-quantisers. A sum of at most 256 bytes fits 16 bits.
/// </remarks>
internal static unsafe class FastScan
{
    public const int BlockSize = 32;
    /// <summary>Sub-quantisers per 512-bit vector; the padding unit of blocks and tables.</summary>
    public const int GroupSize = 4;

    /// <summary>Sub-quantisers rounded up to whole groups.</summary>
    public static int Padded(int subQuantizers) => (subQuantizers + GroupSize - 1) / GroupSize * GroupSize;

    /// <summary>Bytes of one block of codes.</summary>
    public static int BlockBytes(int subQuantizers) => Padded(subQuantizers) * 16;

    /// <summary>
    /// The sums of one block at <paramref name="level"/>, as four 8-lane vectors: vectors 0, 2, …, 14;
    /// 1, 3, …, 15; 16, 18, …, 30; 17, 19, …, 31 (the order the shuffles produce them).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Block(byte* codes, byte* table, int padded, SimdLevel level,
        out Vector128<ushort> lowEven, out Vector128<ushort> lowOdd, out Vector128<ushort> highEven, out Vector128<ushort> highOdd)
    {
        if (level == SimdLevel.Avx512 && Avx512BW.IsSupported) Block512(codes, table, padded, out lowEven, out lowOdd, out highEven, out highOdd);
        else if (level >= SimdLevel.Avx2 && Avx2.IsSupported) Block256(codes, table, padded, out lowEven, out lowOdd, out highEven, out highOdd);
        else if (level >= SimdLevel.Vector128 && (Ssse3.IsSupported || AdvSimd.Arm64.IsSupported)) Block128(codes, table, padded, out lowEven, out lowOdd, out highEven, out highOdd);
        else BlockScalar(codes, table, padded, out lowEven, out lowOdd, out highEven, out highOdd);
    }

    /// <summary>The sums of one block in vector order 0…31, through <see cref="Block"/>.</summary>
    public static void Sums(byte* codes, byte* table, int padded, SimdLevel level, ushort* sums)
    {
        Block(codes, table, padded, level, out var lowEven, out var lowOdd, out var highEven, out var highOdd);
        for (int i = 0; i < 8; i++)
        {
            sums[2 * i] = lowEven[i]; sums[2 * i + 1] = lowOdd[i];
            sums[16 + 2 * i] = highEven[i]; sums[17 + 2 * i] = highOdd[i];
        }
    }

    static void BlockScalar(byte* codes, byte* table, int padded,
        out Vector128<ushort> lowEven, out Vector128<ushort> lowOdd, out Vector128<ushort> highEven, out Vector128<ushort> highOdd)
    {
        var sums = stackalloc ushort[BlockSize];
        for (int v = 0; v < BlockSize; v++) sums[v] = 0;
        for (int j = 0; j < padded; j++, codes += 16, table += 16)
            for (int t = 0; t < 16; t++)
            {
                sums[t] += table[codes[t] & 15];
                sums[t + 16] += table[codes[t] >> 4];
            }
        lowEven = Vector128.Create(sums[0], sums[2], sums[4], sums[6], sums[8], sums[10], sums[12], sums[14]);
        lowOdd = Vector128.Create(sums[1], sums[3], sums[5], sums[7], sums[9], sums[11], sums[13], sums[15]);
        highEven = Vector128.Create(sums[16], sums[18], sums[20], sums[22], sums[24], sums[26], sums[28], sums[30]);
        highOdd = Vector128.Create(sums[17], sums[19], sums[21], sums[23], sums[25], sums[27], sums[29], sums[31]);
    }

    // Each width: split the nibbles, look both halves up, and add the looked-up bytes into 16-bit
    // lanes as even (low byte) and odd (high byte) vectors, so no widening shuffle is needed.

    static void Block128(byte* codes, byte* table, int padded,
        out Vector128<ushort> lowEven, out Vector128<ushort> lowOdd, out Vector128<ushort> highEven, out Vector128<ushort> highOdd)
    {
        var nibble = Vector128.Create((byte)15);
        var lowByte = Vector128.Create((ushort)0xFF);
        Vector128<ushort> le = default, lo = default, he = default, ho = default;
        for (int j = 0; j < padded; j++)
        {
            var c = Vector128.Load(codes + j * 16);
            var t = Vector128.Load(table + j * 16);
            var low = Lookup(t, c & nibble).AsUInt16();
            var high = Lookup(t, Vector128.ShiftRightLogical(c.AsUInt16(), 4).AsByte() & nibble).AsUInt16();
            le += low & lowByte; lo += Vector128.ShiftRightLogical(low, 8);
            he += high & lowByte; ho += Vector128.ShiftRightLogical(high, 8);
        }
        (lowEven, lowOdd, highEven, highOdd) = (le, lo, he, ho);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector128<byte> Lookup(Vector128<byte> table, Vector128<byte> index) =>
        Ssse3.IsSupported ? Ssse3.Shuffle(table, index) : AdvSimd.Arm64.VectorTableLookup(table, index);

    static void Block256(byte* codes, byte* table, int padded,
        out Vector128<ushort> lowEven, out Vector128<ushort> lowOdd, out Vector128<ushort> highEven, out Vector128<ushort> highOdd)
    {
        var nibble = Vector256.Create((byte)15);
        var lowByte = Vector256.Create((ushort)0xFF);
        Vector256<ushort> le = default, lo = default, he = default, ho = default;
        // Two sub-quantisers per vector, one per 128-bit lane (the shuffle looks up within lanes).
        for (int j = 0; j < padded; j += 2)
        {
            var c = Vector256.Load(codes + j * 16);
            var t = Vector256.Load(table + j * 16);
            var low = Avx2.Shuffle(t, c & nibble).AsUInt16();
            var high = Avx2.Shuffle(t, Vector256.ShiftRightLogical(c.AsUInt16(), 4).AsByte() & nibble).AsUInt16();
            le += low & lowByte; lo += Vector256.ShiftRightLogical(low, 8);
            he += high & lowByte; ho += Vector256.ShiftRightLogical(high, 8);
        }
        lowEven = le.GetLower() + le.GetUpper(); lowOdd = lo.GetLower() + lo.GetUpper();
        highEven = he.GetLower() + he.GetUpper(); highOdd = ho.GetLower() + ho.GetUpper();
    }

    static void Block512(byte* codes, byte* table, int padded,
        out Vector128<ushort> lowEven, out Vector128<ushort> lowOdd, out Vector128<ushort> highEven, out Vector128<ushort> highOdd)
    {
        var nibble = Vector512.Create((byte)15);
        var lowByte = Vector512.Create((ushort)0xFF);
        Vector512<ushort> le = default, lo = default, he = default, ho = default;
        for (int j = 0; j < padded; j += GroupSize)
        {
            var c = Vector512.Load(codes + j * 16);
            var t = Vector512.Load(table + j * 16);
            var low = Avx512BW.Shuffle(t, c & nibble).AsUInt16();
            var high = Avx512BW.Shuffle(t, Vector512.ShiftRightLogical(c.AsUInt16(), 4).AsByte() & nibble).AsUInt16();
            le += low & lowByte; lo += Vector512.ShiftRightLogical(low, 8);
            he += high & lowByte; ho += Vector512.ShiftRightLogical(high, 8);
        }
        lowEven = Fold(le); lowOdd = Fold(lo); highEven = Fold(he); highOdd = Fold(ho);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector128<ushort> Fold(Vector512<ushort> v)
    {
        var half = v.GetLower() + v.GetUpper();
        return half.GetLower() + half.GetUpper();
    }

    /// <summary>
    /// Writes <paramref name="count"/> (≤ 32) vectors' codes as one block. A vector's code is
    /// <c>subQuantizers / 2</c> bytes, sub-quantiser <c>2i</c> in the low nibble of byte <c>i</c> and
    /// <c>2i + 1</c> in its high nibble; missing vectors get code 0.
    /// </summary>
    public static void Pack(ReadOnlySpan<byte> codes, int count, int subQuantizers, Span<byte> block)
    {
        int bytes = subQuantizers / 2;
        block[..BlockBytes(subQuantizers)].Clear();
        for (int v = 0; v < count; v++)
            for (int j = 0; j < subQuantizers; j++)
            {
                int code = (codes[v * bytes + j / 2] >> (4 * (j & 1))) & 15;
                block[j * 16 + (v & 15)] |= (byte)(code << (v < 16 ? 0 : 4));
            }
    }
}
