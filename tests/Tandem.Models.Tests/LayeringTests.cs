namespace Tandem.Models.Tests;

/// <summary>The core library stays free of UI and plotting: a service that embeds it pulls no console or Skia package.</summary>
public class LayeringTests
{
    [Fact]
    public void TheModelsLibraryReferencesNoUiOrPlottingAssembly()
    {
        var references = typeof(TwoTowerModel).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToArray();
        Assert.Contains("Tandem.Tensors", references);
        foreach (string banned in new[] { "ScottPlot", "SkiaSharp", "HarfBuzzSharp", "Spectre.Console", "Tandem.Experiments", "Tandem.Cli", "Microsoft.ML.OnnxRuntime", "Tandem.Onnx" })
            Assert.DoesNotContain(references, r => r.StartsWith(banned, StringComparison.Ordinal));
    }
}
