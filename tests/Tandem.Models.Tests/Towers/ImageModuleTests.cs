using Tandem.IO;
using Tandem.Data.Schema;
using Tandem.Data.Images;
using Tandem.Models.Persistence;
using Tandem.Tests;
using Tandem.Models.Towers;
using Tandem.Retrieval.Formats;
using Tandem.Tensors;
using Tandem.Tensors.Autograd;
using Tandem.Tensors.Optimizers;
using static Tandem.Tests.ImageFixtures;

namespace Tandem.Models.Tests.Towers;

public class ImageModuleTests
{
    static readonly FeatureSpec Poster = new("poster", "poster", FeatureKind.Image, Tower.Item);

    static TowerInput Input(params int[] ids) => new(ids.Length, new() { ["poster"] = new FeatureInput { Ids = ids } });

    [Fact]
    public void TheCnnLearnsToTellRealImagesApart()
    {
        // Eight real photos and posters, each its own class: cross-entropy must fall as the whole network trains.
        var store = ImageStore.Build(RealImages(), new ImageOptions { Size = 16 });
        var cnn = new ImageCnn(Poster, store, new ImageCnnOptions { Channels = [8, 16], Dimension = 8 }, new Random(1));
        using var adam = new Adam(cnn.Parameters, 0.01f);
        int[] ids = [0, 1, 2, 3, 4, 5, 6, 7];
        using var tape = new Tape();
        float first = 0, last = 0;
        var before = cnn.Parameters[0].Value.Span.ToArray();
        for (int step = 0; step < 40; step++)
        {
            tape.Reset();
            adam.ZeroGrad();
            var loss = tape.SoftmaxCrossEntropy(cnn.Encode(tape, Input(ids), training: true), ids);
            tape.Backward(loss);
            adam.Step();
            if (step == 0) first = loss.Value[0];
            last = loss.Value[0];
        }
        Assert.True(first > 1.5f, $"initial loss {first} should be near ln 8 ≈ 2.08");
        Assert.True(last < first / 4, $"loss went from {first} to {last}");
        Assert.NotEqual(before, cnn.Parameters[0].Value.Span.ToArray()); // the first convolution trained

        tape.Reset();
        var eval = cnn.Encode(tape, Input(ids), training: false);
        int correct = Enumerable.Range(0, 8).Count(r => Enumerable.Range(0, 8).MaxBy(c => eval.Value[r, c]) == r);
        Assert.True(correct >= 6, $"{correct} of 8 images classified with the running batch-norm statistics");
    }

    [Fact]
    public void TheRunningStatisticsAreBuffersThatAFileCarries()
    {
        var store = ImageStore.Build(RealImages()[..4], new ImageOptions { Size = 8 });
        var options = new ImageCnnOptions { Channels = [4, 6], Dimension = 5 };
        var cnn = new ImageCnn(Poster, store, options, new Random(5));
        using var tape = new Tape();
        cnn.Encode(tape, Input(0, 1, 2, 3), training: true); // a training pass moves the running statistics
        Assert.Equal(["poster.conv0.mean", "poster.conv0.var", "poster.conv1.mean", "poster.conv1.var"], cnn.Buffers.Select(b => b.Name));
        Assert.True(cnn.Buffers[0].Value.Span.ContainsAnyExcept(0f) && cnn.Buffers[1].Value.Span.ContainsAnyExcept(1f));

        using var temp = new TempDirectory();
        var writer = new TandemFileWriter(TandemFileKind.Model);
        ParameterSections.Write(writer, cnn.Parameters);
        ParameterSections.Write(writer, cnn.Buffers);
        writer.Save(temp.File("cnn.tandem"));
        var copy = new ImageCnn(Poster, store, options, new Random(6));
        using (var reader = TandemFileReader.Open(temp.File("cnn.tandem"), TandemFileKind.Model))
        {
            ParameterSections.Read(reader, copy.Parameters);
            ParameterSections.Read(reader, copy.Buffers);
        }
        tape.Reset();
        float[] expected = cnn.Encode(tape, Input(0, 1, 2, 3), training: false).Value.Span.ToArray();
        Assert.Equal(expected, copy.Encode(tape, Input(0, 1, 2, 3), training: false).Value.Span.ToArray());
    }

    [Fact]
    public void AnItemWithoutAnImageGetsAZeroVector()
    {
        var sources = new[] { RealImages()[0], new ImageSource("no poster", null), RealImages()[1] };
        var store = ImageStore.Build(sources, new ImageOptions { Size = 8, Missing = MissingImages.Mask });
        var cnn = new ImageCnn(Poster, store, new ImageCnnOptions { Channels = [4], Dimension = 5 }, new Random(2));
        using var tape = new Tape();
        var y = cnn.Encode(tape, Input(0, 1, 2), training: true);
        Assert.Equal([3, 5], y.Value.Shape.ToArray());
        Assert.All(y.Value.RowSpan(1).ToArray(), v => Assert.Equal(0, v));
        Assert.Contains(y.Value.RowSpan(0).ToArray(), v => v != 0);
    }

    [Fact]
    public void TooManyPoolsForTheImageSizeIsAConfigurationError()
    {
        var store = ImageStore.Build(RealImages()[..1], new ImageOptions { Size = 4 });
        var e = Assert.Throws<ModelException>(() => new ImageCnn(Poster, store, new ImageCnnOptions { Channels = [2, 2, 2] }, new Random(3)));
        Assert.Contains("3 2x2 pools do not fit 4x4", e.Message);
    }

    [Fact]
    public void PrecomputedVectorsStayFrozenWhileTheProjectionTrains()
    {
        using var temp = new TempDirectory();
        string path = temp.File("vectors.npy");
        // three items' 2-d vectors
        Npy.Write(path, new VectorSet([1f, 0, 0, 1, 1, 1], 3, 2));
        using var module = PrecomputedVectors.FromNpy(Poster, path, 4, new Random(4));
        Assert.Equal(3, module.Count);
        Assert.Equal(2, module.Parameters.Count); // the projection's weight and bias only
        using var adam = new Adam(module.Parameters, 0.1f);
        using var tape = new Tape();
        var y = module.Encode(tape, Input(2, 0), training: true);
        // item 2 is [1, 1], item 0 is [1, 0]: their projections differ by row 1 of W
        var w = module.Parameters[0].Value;
        for (int c = 0; c < 4; c++) Assert.Equal(w[1, c], y.Value[0, c] - y.Value[1, c], 5);
        var before = w.Span.ToArray();
        tape.Backward(tape.Sum(y));
        adam.Step();
        Assert.NotEqual(before, w.Span.ToArray());
        tape.Reset();
        var again = module.Encode(tape, Input(2), training: false);
        var b = module.Parameters[1].Value;
        for (int c = 0; c < 4; c++) Assert.Equal(w[0, c] + w[1, c] + b[c], again.Value[0, c], 5); // still [1, 1]·W + b
    }

    [Fact]
    public void ANonNpyFileIsRejectedWithItsName()
    {
        using var temp = new TempDirectory();
        string path = temp.File("vectors.npy");
        File.WriteAllText(path, "not numpy");
        var e = Assert.Throws<TandemFileException>(() => PrecomputedVectors.FromNpy(Poster, path, 4, new Random(5)));
        Assert.Contains(path, e.Message);
    }
}
