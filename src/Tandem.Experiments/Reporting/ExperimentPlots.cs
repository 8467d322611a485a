using ScottPlot;

namespace Tandem.Experiments;

/// <summary>PNG charts of experiment results, drawn with ScottPlot; written atomically like <see cref="TrainingPlots"/>.</summary>
public static class ExperimentPlots
{
    /// <summary>
    /// Grouped bars: one group per <paramref name="groups"/> entry, one bar per series, each
    /// <paramref name="values"/>[group][series] a mean with its standard deviation as an error bar.
    /// </summary>
    /// <exception cref="ArgumentException">The values do not have one row per group and one entry per series.</exception>
    public static void Bars(IReadOnlyList<string> groups, IReadOnlyList<string> series, IReadOnlyList<(double Mean, double Std)[]> values, string title, string path)
    {
        if (values.Count != groups.Count || values.Any(v => v.Length != series.Count))
            throw new ArgumentException($"Bars need {groups.Count} rows of {series.Count} values.", nameof(values));
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        double width = 0.8 / series.Count;
        for (int s = 0; s < series.Count; s++)
        {
            var bars = new List<Bar>();
            for (int g = 0; g < groups.Count; g++)
                bars.Add(new Bar
                {
                    Position = g + (s - (series.Count - 1) / 2.0) * width,
                    Value = values[g][s].Mean,
                    Error = values[g][s].Std,
                    Size = width * 0.9,
                    FillColor = palette.GetColor(s),
                });
            plot.Add.Bars(bars);
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = series[s], FillColor = palette.GetColor(s) });
        }
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, groups.Count).Select(g => (double)g).ToArray(), groups.ToArray());
        plot.Axes.Margins(bottom: 0);
        plot.Legend.IsVisible = true;
        plot.Legend.Alignment = Alignment.UpperLeft;
        plot.Title(title);
        TrainingPlots.Save(plot, path);
    }
}
