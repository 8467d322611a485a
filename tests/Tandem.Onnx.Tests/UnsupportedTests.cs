using Tandem.Models;
using Tandem.Models.Towers;
using Tandem.Tensors;

namespace Tandem.Onnx.Tests;

/// <summary>A part the exporter cannot express is one clear error naming it and the opset, and nothing is written.</summary>
public class UnsupportedTests
{
    static MovieLensData MovieLens => MovieLensData.Shared;

    [Fact]
    public void PrecomputedVectorsAreNamedAndNothingIsWritten()
    {
        var data = MovieLens.Data;
        var model = MovieLens.Recipe.Build(data.Fitted, data.Items.Counts, data.Items, data.Users);
        // Frozen per-movie vectors (as an offline image encoder gives) under a projection.
        var spec = data.Fitted.Schema.Features.Single(f => f.Name == model.ItemFeature);
        var rng = new Random(5);
        var vectors = Tensor.From(Enumerable.Range(0, data.Items.Cardinality * 8).Select(_ => rng.NextSingle()).ToArray(), data.Items.Cardinality, 8);
        var item = new EncoderTower(Data.Schema.Tower.Item, [new PrecomputedVectors(spec, vectors, 16, rng)], new TowerOptions(), rng);
        string folder = Path.Combine(MovieLens.Folder, "precomputed");
        var e = Assert.Throws<OnnxExportException>(() => OnnxExport.Write(new TwoTowerModel(model.Features, model.User, item, model.Task, model.ItemFeature), folder));
        Assert.Equal($"ONNX export (opset {OnnxExport.Opset}): Tandem cannot express the PrecomputedVectors of feature 'item' in ONNX; "
            + "export supports id, categorical, multi-categorical, numeric, vector, timestamp, text, image and history features.", e.Message);
        Assert.False(Directory.Exists(folder));
    }
}
