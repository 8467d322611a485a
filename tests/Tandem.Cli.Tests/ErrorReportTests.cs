namespace Tandem.Cli.Tests;

/// <summary>How a failure reaches the user: one line, and an exit code that tells a user error from a bug.</summary>
public sealed class ErrorReportTests
{
    static (int Code, string[] Lines) Report(Exception e)
    {
        var error = new StringWriter();
        int code = Cli.Report(e, error);
        return (code, error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    static Exception Thrown(Action action)
    {
        try { action(); }
        catch (Exception e) { return e; }
        throw new InvalidOperationException("expected a throw");
    }

    [Fact]
    public void A_user_error_is_its_message_on_one_line_and_exit_1()
    {
        var (code, lines) = Report(Thrown(() => throw new Tandem.Data.DataException("ratings.csv:12: field 'rating' is 'abc'; use a number")));
        Assert.Equal(1, code);
        Assert.Equal(["tandem: ratings.csv:12: field 'rating' is 'abc'; use a number"], lines);
    }

    [Fact]
    public void A_user_error_inside_a_parallel_loop_is_still_a_user_error()
    {
        var e = Thrown(() => Parallel.For(0, 4, i => { if (i == 2) throw new CliException("item 2 is bad"); }));
        Assert.IsType<AggregateException>(e);
        var (code, lines) = Report(e);
        Assert.Equal(1, code);
        Assert.Equal(["tandem: item 2 is bad"], lines);
    }

    [Fact]
    public void An_unexpected_exception_is_reported_as_a_bug_without_a_stack_trace()
    {
        if (Environment.GetEnvironmentVariable("TANDEM_DEBUG") == "1") return; // the debug switch adds the trace on purpose
        var (code, lines) = Report(Thrown(() => throw new InvalidOperationException("the heap is\nconfused")));
        Assert.Equal(Cli.InternalErrorExitCode, code);
        Assert.Equal(70, code);
        Assert.Equal(["tandem: internal error: InvalidOperationException: the heap is confused (a bug; please report it with the command you ran)"], lines);
    }
}
