namespace Tandem.Retrieval.Tests;

public class IndexFactoryTests
{
    [Theory]
    [InlineData("Flat", typeof(FlatIndex), "Flat")]
    [InlineData("HNSW32", typeof(HnswIndex), "HNSW32")]
    [InlineData("HNSW16,efC200", typeof(HnswIndex), "HNSW16,efC200")]
    [InlineData("HNSW32,efC200", typeof(HnswIndex), "HNSW32,efC200")]
    [InlineData("IVF1024,Flat", typeof(IvfIndex), "IVF1024,Flat")]
    [InlineData("IVF1024,PQ16", typeof(IvfIndex), "IVF1024,PQ16")]
    [InlineData("IVF1024,PQ16,Refine", typeof(RefineIndex), "IVF1024,PQ16,Refine")]
    [InlineData("IVF1024,PQ32x4fs", typeof(IvfIndex), "IVF1024,PQ32x4fs")]
    [InlineData("IVF1024,PQ32x4fs,Refine16", typeof(RefineIndex), "IVF1024,PQ32x4fs,Refine16")]
    public void EverySpecBuildsItsIndex(string spec, Type type, string roundTrip)
    {
        using var index = IndexFactory.Create(spec, 64);
        Assert.IsType(type, index);
        Assert.Equal(roundTrip, index.Spec);
        Assert.Equal(64, index.Dimension);
        Assert.Equal(0, index.Count);
    }

    [Fact]
    public void HnswOptionsAreApplied()
    {
        using var index = (HnswIndex)IndexFactory.Create("HNSW24,efC150,efS77", 8, Metric.L2);
        Assert.Equal((24, 150, 77, Metric.L2), (index.M, index.EfConstruction, index.EfSearch, index.Metric));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Flatt")]
    [InlineData("Flat,PQ8")]
    [InlineData("HNSW")]
    [InlineData("HNSWx")]
    [InlineData("HNSW32,efX10")]
    [InlineData("IVF")]
    [InlineData("IVF1024")]
    [InlineData("IVF1024,PQ")]
    [InlineData("IVF1024,PQ7")]
    [InlineData("IVF1024,PQx4fs")]
    [InlineData("IVF1024,PQ1x4fs")]
    [InlineData("IVF1024,PQ16,Refine0")]
    [InlineData("IVF1024,SQ8")]
    [InlineData("IVF-3,Flat")]
    public void UnparsableSpecsQuoteThemselves(string spec)
    {
        var error = Assert.Throws<TandemException>(() => IndexFactory.Create(spec, 64));
        Assert.Contains($"\"{spec}\"", error.Message);
    }
}
