using Tandem.Data.Schema;
using Tandem.Data.Images;
using Tandem.Tests;
using Tandem.Models.Towers;
using Tandem.Tensors.Autograd;

namespace Tandem.Models.Tests.Towers;

public class ImageFeatureTests
{
    static readonly FeatureSpec Poster = new("poster", "poster", FeatureKind.Image, Tower.Item);

    static (ImageFeature Module, string[] Paths) Module()
    {
        string dir = SharedData.Dataset("ml-latest-small-posters");
        string[] paths = [Path.Combine(dir, "1.jpg"), Path.Combine(dir, "2.jpg"), ""];
        var store = ImageStore.Build(paths.Select((p, i) => new ImageSource($"{i}", p.Length > 0 ? p : null)).ToArray(),
            new ImageOptions { Size = 8, Missing = MissingImages.Mask });
        return (new ImageFeature(Poster, store, paths, missing: 2, new ImageCnnOptions { Channels = [4], Dimension = 4 }, new Random(2)), paths);
    }

    static TowerInput Input(params string[] paths) => new(paths.Length, new() { ["poster"] = new FeatureInput { Texts = paths } });

    [Fact]
    public void RowsReadTheirPosterAndMissingOnesAreMasked()
    {
        var (module, paths) = Module();
        // Poster 1 twice (computed once), no poster, poster 2, a path the store does not hold.
        var input = Input(paths[0], "", paths[0], paths[1], "/elsewhere/9.jpg");
        using var tape = new Tape();
        var y = module.Encode(tape, input, training: false).Value;
        var rows = Enumerable.Range(0, 5).Select(b => Enumerable.Range(0, 4).Select(c => y[b, c]).ToArray()).ToArray();
        Assert.Equal(rows[0], rows[2]);
        Assert.NotEqual(rows[0], rows[3]);
        Assert.All(rows[1].Concat(rows[4]), v => Assert.Equal(0f, v));
        var present = new bool[5];
        module.Present(input, present);
        Assert.Equal([true, false, true, true, false], present);
    }

    [Fact]
    public void MissingEntryMustLackAnImage()
    {
        string dir = SharedData.Dataset("ml-latest-small-posters");
        string[] paths = [Path.Combine(dir, "1.jpg")];
        var store = ImageStore.Build([new ImageSource("0", paths[0])], new ImageOptions { Size = 8 });
        var e = Assert.Throws<ModelException>(() => new ImageFeature(Poster, store, paths, missing: 0, new ImageCnnOptions { Channels = [4], Dimension = 4 }, new Random(1)));
        Assert.Contains("entry 0 must be an entry without an image", e.Message);
    }
}
