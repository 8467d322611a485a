namespace Tandem.Cli.Tests;

/// <summary>Runs the command line in-process, capturing what it writes.</summary>
static class CliRunner
{
    /// <summary>The exit code and the standard output and error of <c>tandem args…</c>.</summary>
    public static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Cli.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
