using System.CommandLine;
using Spectre.Console;

namespace Tandem.Cli;

/// <summary>The <c>tandem</c> command line: parses, dispatches, and turns user errors into one line and a non-zero exit.</summary>
public static class Cli
{
    /// <summary>Runs the command line; returns the process exit code (0 success, 1 bad input or failure, 2 bad usage).</summary>
    public static int Run(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        output ??= System.Console.Out;
        error ??= System.Console.Error;
        var root = new RootCommand("Tandem: two-tower retrieval for .NET.");
        root.Subcommands.Add(IndexCommands.Create(output));
        foreach (var command in ModelCommands.Create(output, error)) root.Subcommands.Add(command);
        root.Subcommands.Add(ExperimentCommands.Create(output, error));
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            error.WriteLine($"tandem: {parsed.Errors[0].Message} (see 'tandem {string.Join(' ', args.TakeWhile(a => !a.StartsWith('-')))} --help')");
            return 2;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is CliException or Tandem.Data.DataException or Tandem.Models.Persistence.TandemFileException or Tandem.Models.ModelException or ArgumentException or InvalidDataException or IOException or InvalidOperationException or NotSupportedException or UnauthorizedAccessException)
        {
            error.WriteLine($"tandem: {e.Message}");
            return 1;
        }
    }

    /// <summary>A console for tables that writes to <paramref name="output"/>.</summary>
    internal static IAnsiConsole Console(TextWriter output) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(output),
        Ansi = output == System.Console.Out ? AnsiSupport.Detect : AnsiSupport.No,
        ColorSystem = output == System.Console.Out ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
    });
}
