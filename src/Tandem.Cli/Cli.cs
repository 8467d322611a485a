using System.CommandLine;
using Spectre.Console;

namespace Tandem.Cli;

/// <summary>The <c>tandem</c> command line: parses, dispatches, and turns user errors into one line and a non-zero exit.</summary>
public static class Cli
{
    /// <summary>Runs the command line; returns the process exit code (0 success, 1 bad input or failure, 2 bad usage, 70 a bug).</summary>
    public static int Run(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        output ??= System.Console.Out;
        error ??= System.Console.Error;
        var root = new RootCommand("Tandem: two-tower retrieval for .NET.");
        root.Subcommands.Add(IndexCommands.Create(output, error));
        foreach (var command in ModelCommands.Create(output, error)) root.Subcommands.Add(command);
        root.Subcommands.Add(TuneCommand.Create(output, error));
        root.Subcommands.Add(ExperimentCommands.Create(output, error));
        foreach (var command in ServeCommands.Create(output)) root.Subcommands.Add(command);
        root.Subcommands.Add(ExportCommand.Create(output));
        root.Subcommands.Add(EmbedCommand.Create(output));
        foreach (var command in ClusterCommands.Create(output)) root.Subcommands.Add(command);
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
        catch (Exception e)
        {
            return Report(e, error);
        }
    }

    /// <summary>Exit code of a failure that is a bug in Tandem (sysexits' EX_SOFTWARE).</summary>
    public const int InternalErrorExitCode = 70;

    /// <summary>
    /// Prints a failure as one line and returns the exit code: a <see cref="TandemException"/> (bad input,
    /// options or files) or an I/O error of the machine (disk full, permission denied) as <c>tandem: {message}</c>
    /// and 1; anything else is a bug: <c>tandem: internal error: …</c> and <see cref="InternalErrorExitCode"/>,
    /// with the stack trace only when the environment variable <c>TANDEM_DEBUG</c> is 1.
    /// </summary>
    internal static int Report(Exception e, TextWriter error)
    {
        // Parallel loops wrap what their bodies throw; a user error there is still a user error.
        if (e is AggregateException aggregate && aggregate.Flatten().InnerExceptions is [var first, ..] && first is TandemException) e = first;
        if (e is TandemException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"tandem: {OneLine(e.Message)}");
            return 1;
        }
        error.WriteLine($"tandem: internal error: {e.GetType().Name}: {OneLine(e.Message)} (a bug; please report it with the command you ran)");
        if (Environment.GetEnvironmentVariable("TANDEM_DEBUG") == "1") error.WriteLine(e);
        return InternalErrorExitCode;
    }

    static string OneLine(string message) => message.ReplaceLineEndings(" ");

    /// <summary>A console for tables that writes to <paramref name="output"/>.</summary>
    internal static IAnsiConsole Console(TextWriter output) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(output),
        Ansi = output == System.Console.Out ? AnsiSupport.Detect : AnsiSupport.No,
        ColorSystem = output == System.Console.Out ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
    });
}
