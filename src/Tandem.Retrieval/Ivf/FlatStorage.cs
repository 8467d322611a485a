using System.Runtime.InteropServices;
using Tandem.Retrieval.Kernels;
using Tandem.Retrieval.Persistence;
using Tandem.Tensors;

namespace Tandem.Retrieval.Ivf;

/// <summary>Full-precision vectors in the lists: exact distances, <c>4 × dimension</c> bytes each.</summary>
internal sealed unsafe class FlatStorage(int dimension) : ListStorage
{
    public override int CodeSize => dimension * sizeof(float);
    public override string Token => "Flat";
    public override bool IsTrained => true;
    public override bool ByResidual => false;
    public override void Train(ReadOnlySpan<float> vectors, int seed) { }
    public override void Encode(ReadOnlySpan<float> vectors, Span<byte> codes) => MemoryMarshal.AsBytes(vectors).CopyTo(codes);
    public override ListScanner Scanner(Metric metric) => new FlatScanner(dimension, Distance.For(metric, Simd.Best));
    public override void Write(IndexWriter writer) { }
    public override void Read(IndexReader reader) { }

    sealed class FlatScanner(int dimension, delegate*<float*, float*, int, float> distance) : ListScanner
    {
        float[] query = [];

        public override void SetQuery(ReadOnlySpan<float> q) => query = q.ToArray();
        public override void SetList(ReadOnlySpan<float> centroid, float coarseDistance) { }

        public override void Scan(InvertedList list, TopK<long> heap, IdFilter? filter)
        {
            var vectors = MemoryMarshal.Cast<byte, float>(list.Codes);
            var ids = list.Ids;
            float threshold = heap.Threshold;
            fixed (float* q = query, v = vectors)
                for (int i = 0; i < ids.Length; i++)
                {
                    float dist = distance(q, v + (long)i * dimension, dimension);
                    if (dist <= threshold && (filter == null || filter.Allows(ids[i])))
                    {
                        heap.Push(dist, ids[i]);
                        threshold = heap.Threshold;
                    }
                }
        }
    }
}
