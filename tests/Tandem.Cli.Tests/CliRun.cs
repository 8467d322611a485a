namespace Tandem.Cli.Tests;

/// <summary>Runs the command line in-process and captures what it prints.</summary>
static class CliRun
{
    public static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Cli.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
