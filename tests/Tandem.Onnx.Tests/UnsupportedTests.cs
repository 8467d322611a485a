using Tandem.Models.Towers;

namespace Tandem.Onnx.Tests;

/// <summary>A part the exporter cannot express is one clear error naming it and the opset, and nothing is written.</summary>
public class UnsupportedTests
{
    static MovieLensData MovieLens => MovieLensData.Shared;

    [Fact]
    public void TextTransformerIsNamedAndNothingIsWritten()
    {
        var recipe = MovieLens.Recipe with { Item = new TowerOptions { Features = ["item", "title"], Text = new() { Encoding = TextEncoding.Transformer } } };
        string folder = Path.Combine(MovieLens.Folder, "transformer");
        var e = Assert.Throws<OnnxExportException>(() => OnnxExport.Write(Build(recipe), folder));
        Assert.Equal($"ONNX export (opset {OnnxExport.Opset}): Tandem cannot express the TextTransformer of feature 'title' in ONNX; "
            + "export supports id, categorical, multi-categorical, numeric, vector, timestamp, text-bag and history features.", e.Message);
        Assert.False(Directory.Exists(folder));
    }

    static Models.TwoTowerModel Build(Models.Recipes.ModelRecipe recipe) =>
        recipe.Build(MovieLens.Data.Fitted, MovieLens.Data.Items.Counts, MovieLens.Data.Items, MovieLens.Data.Users);
}
