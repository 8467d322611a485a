using Tandem.IO;
using Tandem.Retrieval.Formats;

namespace Tandem.Retrieval.Tests.Formats;

public sealed class VectorFileTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("tandem-vectors-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    // numpy.save(np.array([[1.5, -2, 3], [4, 5, 6.25]], dtype='<f4')) from NumPy 1.24.
    const string NumpyFloat32 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAMA/AAAAwAAAQEAAAIBAAACgQAAAyEA=";
    // numpy.save(np.array([[1.5, -2], [4, 5]], dtype='<f8')).
    const string NumpyFloat64 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDIpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAD4PwAAAAAAAADAAAAAAAAAEEAAAAAAAAAUQA==";

    string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(directory, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void ReadsWhatNumpyWrites()
    {
        var set = VectorFile.Read(Write("a.npy", Convert.FromBase64String(NumpyFloat32)));
        Assert.Equal((2, 3), (set.Rows, set.Dimension));
        Assert.Equal([1.5f, -2, 3, 4, 5, 6.25f], set.Data);
        set = VectorFile.Read(Write("b.npy", Convert.FromBase64String(NumpyFloat64)));
        Assert.Equal([1.5f, -2, 4, 5], set.Data);
    }

    [Theory]
    [InlineData("v.npy")]
    [InlineData("v.fvecs")]
    public void RoundTrips(string name)
    {
        var data = TestData.Uniform(7 * 5, 9);
        string path = Path.Combine(directory, name);
        VectorFile.Write(path, new VectorSet(data, 7, 5));
        var back = VectorFile.Read(path);
        Assert.Equal((7, 5), (back.Rows, back.Dimension));
        Assert.Equal(data, back.Data);
    }

    [Fact]
    public void NpyHeaderIsAlignedAsNumpyExpects()
    {
        string path = Path.Combine(directory, "aligned.npy");
        Npy.Write(path, new VectorSet(new float[6], 2, 3));
        // 6 floats = 24 bytes of data after a header padded to a multiple of 64 bytes.
        Assert.Equal(0, (new FileInfo(path).Length - 24) % 64);
    }

    [Fact]
    public void BadFilesAreNamed()
    {
        var good = Convert.FromBase64String(NumpyFloat32);
        string path = Write("cut.npy", good[..^4]);
        Assert.Contains("truncated", Assert.Throws<TandemFileException>(() => VectorFile.Read(path)).Message);
        path = Write("int.npy", System.Text.Encoding.Latin1.GetBytes(System.Text.Encoding.Latin1.GetString(good).Replace("<f4", "<i4")));
        Assert.Contains("'<i4' is not supported", Assert.Throws<TandemFileException>(() => VectorFile.Read(path)).Message);
        path = Write("x.npy", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
        Assert.Contains("not a .npy file", Assert.Throws<TandemFileException>(() => VectorFile.Read(path)).Message);

        string fvecs = Path.Combine(directory, "v.fvecs");
        Fvecs.Write(fvecs, new VectorSet(new float[8], 2, 4));
        var bytes = File.ReadAllBytes(fvecs);
        path = Write("cut.fvecs", bytes[..^2]);
        Assert.Contains("not a whole number", Assert.Throws<TandemFileException>(() => VectorFile.Read(path)).Message);
        Assert.Contains("unknown vector file extension", Assert.Throws<TandemFileException>(() => VectorFile.Read(Write("v.csv", [1]))).Message);
    }
}
