using System.Numerics.Tensors;
using Tandem.Retrieval.Persistence;
using Tandem.Tensors;

namespace Tandem.Retrieval.Ivf;

/// <summary>
/// Product-quantised residuals in the lists (FAISS IVFPQ): one byte per sub-quantiser, scored with
/// per-query lookup tables. For inner product the table is built once per query and each list adds
/// its coarse term <c>-q·c</c>; for L2 the table is built per list from <c>q - c</c>.
/// </summary>
internal sealed unsafe class PqStorage(int dimension, int subQuantizers) : ListStorage
{
    public ProductQuantizer Quantizer { get; } = new(dimension, subQuantizers);
    public override int CodeSize => subQuantizers;
    public override string Token => $"PQ{subQuantizers}";
    public override bool IsTrained => Quantizer.IsTrained;
    public override bool ByResidual => true;
    public override void Train(ReadOnlySpan<float> vectors, int seed) => Quantizer.Train(vectors, seed);
    public override void Encode(ReadOnlySpan<float> vectors, Span<byte> codes) => Quantizer.Encode(vectors, codes);
    public override ListScanner Scanner(Metric metric) => new PqScanner(Quantizer, metric == Metric.L2);

    public override void Write(IndexWriter writer) => writer.Array<float>("pq codebooks", () => Quantizer.Codebooks);

    public override void Read(IndexReader reader) =>
        Quantizer.SetCodebooks(reader.Array<float>("pq codebooks", subQuantizers * Quantizer.CodebookSize * Quantizer.SubDimension).ToArray());

    sealed class PqScanner(ProductQuantizer pq, bool l2) : ListScanner
    {
        readonly float[] table = new float[pq.SubQuantizers * pq.CodebookSize];
        readonly float[] residual = new float[pq.Dimension];
        float[] query = [];
        float bias;

        public override void SetQuery(ReadOnlySpan<float> q)
        {
            if (query.Length != q.Length) query = new float[q.Length];
            q.CopyTo(query);
            if (!l2) pq.InnerProductTable(q, table);
        }

        public override void SetList(ReadOnlySpan<float> centroid, float coarseDistance)
        {
            if (!l2) { bias = coarseDistance; return; }
            TensorPrimitives.Subtract(query, centroid, residual);
            pq.L2Table(residual, table);
            bias = 0;
        }

        public override void Scan(InvertedList list, TopK<long> heap, IdFilter? filter)
        {
            int m = pq.SubQuantizers;
            var ids = list.Ids;
            float threshold = heap.Threshold;
            fixed (float* t = table)
            fixed (byte* c0 = list.Codes)
            {
                byte* code = c0;
                for (int i = 0; i < ids.Length; i++, code += m)
                {
                    // Four partial sums: four short chains of dependent adds instead of one long one.
                    float s0 = bias, s1 = 0, s2 = 0, s3 = 0;
                    float* row = t;
                    int j = 0;
                    for (; j + 4 <= m; j += 4, row += 4 * 256)
                    {
                        s0 += row[code[j]]; s1 += row[256 + code[j + 1]];
                        s2 += row[512 + code[j + 2]]; s3 += row[768 + code[j + 3]];
                    }
                    for (; j < m; j++, row += 256) s0 += row[code[j]];
                    float dist = (s0 + s1) + (s2 + s3);
                    if (dist <= threshold && (filter == null || filter.Allows(ids[i])))
                    {
                        heap.Push(dist, ids[i]);
                        threshold = heap.Threshold;
                    }
                }
            }
        }
    }
}
