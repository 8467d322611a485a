using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using Tandem.Retrieval.Kernels;
using Tandem.Retrieval.Persistence;
using Tandem.Tensors;

namespace Tandem.Retrieval.Ivf;

/// <summary>
/// 4-bit product-quantised residuals scanned by <see cref="FastScan"/> (FAISS <c>IVF{n},PQ{m}x4fs</c>):
/// 16 centroids per sub-quantiser, two codes to a byte (<c>m / 2</c> bytes per vector). A query's
/// float tables are quantised to bytes (one scale, a minimum per sub-quantiser), so distances are
/// approximate; add <c>,Refine</c> to re-rank a shortlist with exact vectors.
/// </summary>
internal sealed unsafe class FastScanStorage(int dimension, int subQuantizers) : ListStorage
{
    public ProductQuantizer Quantizer { get; } = new(dimension, subQuantizers, bits: 4);
    public override int CodeSize => subQuantizers / 2;
    public override string Token => $"PQ{subQuantizers}x4fs";
    public override bool IsTrained => Quantizer.IsTrained;
    public override bool ByResidual => true;
    public override void Train(ReadOnlySpan<float> vectors, int seed) => Quantizer.Train(vectors, seed);

    public override void Encode(ReadOnlySpan<float> vectors, Span<byte> codes)
    {
        int n = vectors.Length / dimension;
        var bytes = new byte[(long)n * subQuantizers];
        Quantizer.Encode(vectors, bytes);
        for (int i = 0; i < n * CodeSize; i++) codes[i] = (byte)(bytes[2 * i] | bytes[2 * i + 1] << 4);
    }

    public override ListScanner Scanner(Metric metric) => new FastScanner(this, metric == Metric.L2, Simd.Best);

    /// <summary>A scanner at a chosen SIMD level, for tests.</summary>
    internal ListScanner Scanner(Metric metric, SimdLevel level) => new FastScanner(this, metric == Metric.L2, level);

    public override void Write(IndexWriter writer) => writer.Array<float>("pq codebooks", () => Quantizer.Codebooks);

    public override void Read(IndexReader reader) =>
        Quantizer.SetCodebooks(reader.Array<float>("pq codebooks", subQuantizers * Quantizer.CodebookSize * Quantizer.SubDimension).ToArray());

    /// <summary>The list's codes as fast-scan blocks of 32 vectors.</summary>
    byte[] Blocks(InvertedList list)
    {
        if (list.ScanLayout is { } cached) return cached;
        int blockBytes = FastScan.BlockBytes(subQuantizers), count = list.Count;
        var blocks = new byte[(count + FastScan.BlockSize - 1) / FastScan.BlockSize * blockBytes];
        var codes = list.Codes;
        for (int b = 0, first = 0; first < count; b++, first += FastScan.BlockSize)
        {
            int rows = Math.Min(FastScan.BlockSize, count - first);
            FastScan.Pack(codes.Slice(first * CodeSize, rows * CodeSize), rows, subQuantizers, blocks.AsSpan(b * blockBytes, blockBytes));
        }
        return list.ScanLayout = blocks;
    }

    sealed class FastScanner(FastScanStorage storage, bool l2, SimdLevel level) : ListScanner
    {
        readonly ProductQuantizer pq = storage.Quantizer;
        readonly float[] floats = new float[storage.Quantizer.SubQuantizers * 16];
        readonly byte[] table = new byte[FastScan.BlockBytes(storage.Quantizer.SubQuantizers)];
        readonly float[] residual = new float[storage.Quantizer.Dimension];
        float[] query = [];
        // distance = bias + offset + sum / scale.
        float bias, offset, scale;

        public override void SetQuery(ReadOnlySpan<float> q)
        {
            if (query.Length != q.Length) query = new float[q.Length];
            q.CopyTo(query);
            if (l2) return;
            pq.InnerProductTable(q, floats);
            Quantize();
        }

        public override void SetList(ReadOnlySpan<float> centroid, float coarseDistance)
        {
            if (!l2) { bias = coarseDistance; return; }
            TensorPrimitives.Subtract(query, centroid, residual);
            pq.L2Table(residual, floats);
            Quantize();
            bias = 0;
        }

        /// <summary>Bytes <c>round((t - min_j) · scale)</c>, one scale for all sub-quantisers so the sums stay comparable.</summary>
        void Quantize()
        {
            int m = pq.SubQuantizers;
            float widest = 0;
            offset = 0;
            for (int j = 0; j < m; j++)
            {
                var row = floats.AsSpan(j * 16, 16);
                float min = TensorPrimitives.Min(row);
                widest = Math.Max(widest, TensorPrimitives.Max(row) - min);
                offset += min;
            }
            scale = widest > 0 ? 255 / widest : 1;
            for (int j = 0; j < m; j++)
            {
                var row = floats.AsSpan(j * 16, 16);
                float min = TensorPrimitives.Min(row);
                for (int c = 0; c < 16; c++) table[j * 16 + c] = (byte)Math.Clamp(MathF.Round((row[c] - min) * scale), 0, 255);
            }
        }

        public override void Scan(InvertedList list, TopK<long> heap, IdFilter? filter)
        {
            int padded = FastScan.Padded(pq.SubQuantizers), blockBytes = padded * 16, count = list.Count;
            var ids = list.Ids;
            float threshold = heap.Threshold, floor = bias + offset, unit = 1 / scale;
            var blocks = storage.Blocks(list);
            fixed (byte* b0 = blocks, t = table)
                for (int first = 0; first < count; first += FastScan.BlockSize)
                {
                    // Sums whose distance can still enter the heap: at most (threshold - floor) · scale.
                    float room = (threshold - floor) * scale;
                    if (room < 0) return;
                    var limit = Vector128.Create((ushort)Math.Min(room, ushort.MaxValue));
                    FastScan.Block(b0 + (long)first / FastScan.BlockSize * blockBytes, t, padded, level,
                        out var lowEven, out var lowOdd, out var highEven, out var highOdd);
                    // Bit v of the mask: vector first + v may qualify (even and odd lanes interleaved back).
                    uint mask = Spread(Vector128.LessThanOrEqual(lowEven, limit).ExtractMostSignificantBits())
                        | Spread(Vector128.LessThanOrEqual(lowOdd, limit).ExtractMostSignificantBits()) << 1
                        | Spread(Vector128.LessThanOrEqual(highEven, limit).ExtractMostSignificantBits()) << 16
                        | Spread(Vector128.LessThanOrEqual(highOdd, limit).ExtractMostSignificantBits()) << 17;
                    if (count - first < FastScan.BlockSize) mask &= (1u << (count - first)) - 1;
                    for (; mask != 0; mask &= mask - 1)
                    {
                        int v = System.Numerics.BitOperations.TrailingZeroCount(mask);
                        int lane = (v & 15) >> 1;
                        ushort sum = (v & 16) == 0 ? ((v & 1) == 0 ? lowEven : lowOdd)[lane] : ((v & 1) == 0 ? highEven : highOdd)[lane];
                        float dist = floor + sum * unit;
                        long id = ids[first + v];
                        if (dist <= threshold && (filter == null || filter.Allows(id)))
                        {
                            heap.Push(dist, id);
                            threshold = heap.Threshold;
                        }
                    }
                }
        }

        /// <summary>Bit i of an 8-bit mask moved to bit 2i.</summary>
        static uint Spread(uint bits)
        {
            bits = (bits | bits << 4) & 0x0F0F;
            bits = (bits | bits << 2) & 0x3333;
            return (bits | bits << 1) & 0x5555;
        }
    }
}
