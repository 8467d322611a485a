using System.CommandLine;
using System.Globalization;

namespace Tandem.Cli;

/// <summary><c>tandem experiment</c>: the documented experiments (<see cref="MovieLensSeedsCommand"/>, <see cref="BaselinesCommand"/>, <see cref="MultiModalCommand"/>, <see cref="Flickr8kCommand"/>, <see cref="CtrCommand"/>), each writing its report.</summary>
static class ExperimentCommands
{
    public static Command Create(TextWriter output, TextWriter error) =>
        new("experiment", "Reproducible experiments with their reports.")
        {
            MovieLensSeedsCommand.Create(output, error), BaselinesCommand.Create(output, error), MultiModalCommand.Create(output, error), Flickr8kCommand.Create(output, error), CtrCommand.Create(output, error),
        };

    /// <summary>The seeds of a <c>--seeds</c> list such as <c>42,43,44</c>.</summary>
    /// <exception cref="CliException">An entry is not an integer, or a seed repeats.</exception>
    internal static int[] Seeds(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var seeds = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out seeds[i]))
                CliThrow.Input($"--seeds: '{parts[i]}' is not an integer; give comma-separated seeds such as 42,43,44");
        if (seeds.Distinct().Count() != seeds.Length) CliThrow.Input($"--seeds: '{text}' repeats a seed; each seed once");
        return seeds;
    }
}
