using Tandem.Models.Training;
using ScottPlot;
using ScottPlot.TickGenerators;
using Tandem.IO;

namespace Tandem.Experiments;

/// <summary>PNG charts of a training history, drawn with ScottPlot. Each file is written atomically (temporary file, then rename).</summary>
public static class TrainingPlots
{
    /// <summary>Image width in pixels.</summary>
    public const int Width = 800;

    /// <summary>Image height in pixels.</summary>
    public const int Height = 500;

    static readonly Lazy<bool> available = new(() =>
    {
        try
        {
            using var bitmap = new SkiaSharp.SKBitmap(1, 1);
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException)
        {
            return false;
        }
    });

    /// <summary>
    /// Whether charts can be drawn here: SkiaSharp's native library loads. The dotnet tool carries it
    /// for linux-x64, linux-arm64, macOS and win-x64 only, so reports elsewhere come without charts.
    /// </summary>
    public static bool Available => available.Value;

    /// <summary>Draws the mean training loss per epoch to <paramref name="path"/>.</summary>
    /// <exception cref="ArgumentException">The history is empty.</exception>
    public static void Loss(TrainingHistory history, string path)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (history.Epochs.Count == 0) throw new ArgumentException("The history has no epochs to plot.", nameof(history));
        double[] x = history.Epochs.Select(e => (double)e.Epoch).ToArray();
        double[] y = history.Epochs.Select(e => e.Loss).ToArray();
        Save(Line(x, y, "Training loss per epoch", "loss"), path);
    }

    /// <summary>Draws validation metric <paramref name="metric"/> (e.g. <c>Recall@100</c>) per epoch to <paramref name="path"/>.</summary>
    /// <exception cref="ArgumentException">No epoch has the metric.</exception>
    public static void Validation(TrainingHistory history, string metric, string path)
    {
        ArgumentNullException.ThrowIfNull(history);
        var (x, y) = history.Series(metric);
        if (x.Length == 0) throw new ArgumentException($"No epoch of the history has validation metric '{metric}'.", nameof(metric));
        Save(Line(x, y, $"Validation {metric} per epoch", metric), path);
    }

    static Plot Line(double[] x, double[] y, string title, string yLabel)
    {
        var plot = new Plot();
        // One series: the title says what it is, and no legend hides the last points.
        var line = plot.Add.Scatter(x, y);
        line.LineWidth = 2;
        line.MarkerSize = 7;
        plot.Title(title);
        plot.XLabel("epoch");
        plot.YLabel(yLabel);
        plot.Axes.Bottom.TickGenerator = new NumericAutomatic { IntegerTicksOnly = true };
        if (x.Length == 1) plot.Axes.SetLimitsX(x[0] - 1, x[0] + 1);
        return plot;
    }

    /// <exception cref="TandemException">Charts cannot be drawn on this platform (<see cref="Available"/>).</exception>
    internal static void Save(Plot plot, string path)
    {
        if (!Available)
            throw new TandemException($"{path}: cannot draw charts on {System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier}: SkiaSharp's native library is not there (the dotnet tool carries it for linux-x64, linux-arm64, osx and win-x64).");
        AtomicFile.WriteBytes(path, plot.GetImageBytes(Width, Height, ImageFormat.Png));
    }
}
