using Tandem.Models.Training;
using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace Tandem.Cli;

/// <summary>
/// Shows training progress on the console: in a terminal, a Spectre.Console progress bar per
/// epoch with the running loss, examples/s and the time left; when the output is redirected,
/// plain lines (one per epoch, plus one every <see cref="ProgressOptions.PlainInterval"/> within
/// long epochs). Driven by a trainer through <see cref="ITrainingObserver"/>; call
/// <see cref="Dispose"/> when training ends, including when it is stopped.
/// Thread safety: the observer calls must come from one thread, as the interface says.
/// </summary>
public sealed class ConsoleProgress : ITrainingObserver, IDisposable
{
    readonly TextWriter? plain;
    readonly TimeSpan interval;
    readonly Stopwatch clock = new();
    int epoch, epochs;
    long expected, seen;
    double lossSum;
    long lossExamples;
    TimeSpan lastLine;

    // Live mode: Spectre's progress display runs on its own task until the epoch's gate opens.
    readonly IAnsiConsole? console;
    ProgressTask? bar;
    TaskCompletionSource? epochDone;
    Task? display;

    /// <summary>A display on the process console; see <see cref="ProgressOptions.Live"/>.</summary>
    public ConsoleProgress(ProgressOptions options = default)
        : this(options.Live ?? (!Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive) ? AnsiConsole.Console : null,
               Console.Out, options) { }

    /// <summary>A plain-lines display writing to <paramref name="output"/> (for logs and tests).</summary>
    public ConsoleProgress(TextWriter output, ProgressOptions options = default) : this(null, output, options) { }

    /// <summary>A live display on <paramref name="console"/> when it is not null, else plain lines to <paramref name="output"/>.</summary>
    internal ConsoleProgress(IAnsiConsole? console, TextWriter output, ProgressOptions options)
    {
        this.console = console;
        plain = console is null ? output : null;
        interval = options.PlainInterval;
    }

    /// <summary>
    /// Shows <paramref name="trainer"/>'s steps and epochs (each over about <paramref name="examples"/>
    /// examples; the validation figure named <paramref name="metric"/>, e.g. Recall@10); <paramref name="recorded"/>, if
    /// given, is handed each epoch's record before it is shown.
    /// </summary>
    public void Follow(Trainer trainer, long examples, string metric, Action<EpochRecord>? recorded = null)
    {
        int current = -1, epochs = trainer.Options.Epochs;
        trainer.StepCompleted += s =>
        {
            if (s.Epoch != current) { current = s.Epoch; OnEpochStart(s.Epoch + 1, epochs, examples); }
            OnStep(s.Loss, s.Examples);
        };
        trainer.EpochCompleted += e =>
        {
            var record = new EpochRecord
            {
                Epoch = e.Epoch + 1, Loss = e.Loss, Examples = (long)Math.Round(e.ExamplesPerSecond * e.Seconds), Seconds = e.Seconds,
                Validation = e.Validation is { } v ? new Dictionary<string, double> { [metric] = v } : new Dictionary<string, double>(),
            };
            recorded?.Invoke(record);
            OnEpochEnd(record);
        };
    }

    /// <summary>The running mean loss of the current epoch.</summary>
    double MeanLoss => lossExamples > 0 ? lossSum / lossExamples : double.NaN;

    double Rate => clock.Elapsed.TotalSeconds > 0 ? seen / clock.Elapsed.TotalSeconds : 0;

    /// <inheritdoc/>
    public void OnEpochStart(int epoch, int epochs, long examples)
    {
        this.epoch = epoch;
        this.epochs = epochs;
        expected = examples;
        seen = lossExamples = 0;
        lossSum = 0;
        lastLine = TimeSpan.Zero;
        clock.Restart();
        if (console is null) return;
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        epochDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = epochDone;
        display = console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                     new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async ctx =>
            {
                bar = ctx.AddTask(Description(), maxValue: Math.Max(expected, 1));
                bar.IsIndeterminate = expected <= 0;
                ready.SetResult();
                await gate.Task.ConfigureAwait(false);
                bar.Value = bar.MaxValue;
                bar.StopTask();
            });
        // If Spectre cannot start (e.g. another live display is running), surface its error instead of waiting forever.
        Task.WaitAny(ready.Task, display);
        if (display.IsFaulted)
        {
            var failed = display;
            display = null;
            failed.GetAwaiter().GetResult();
        }
    }

    /// <inheritdoc/>
    public void OnStep(double loss, int examples)
    {
        seen += examples;
        if (double.IsFinite(loss))
        {
            lossSum += loss * examples;
            lossExamples += examples;
        }
        if (bar is not null)
        {
            bar.Value = Math.Min(seen, bar.MaxValue);
            bar.Description = Description();
        }
        else if (plain is not null && clock.Elapsed - lastLine >= interval)
        {
            lastLine = clock.Elapsed;
            string of = expected > 0 ? string.Create(CultureInfo.InvariantCulture, $"/{expected:N0} ({100.0 * seen / expected:0}%)") : "";
            plain.WriteLine(string.Create(CultureInfo.InvariantCulture, $"epoch {epoch}/{epochs}: {seen:N0}{of} examples, loss {MeanLoss:0.0000}, {Rate:N0} examples/s"));
        }
    }

    /// <inheritdoc/>
    public void OnEpochEnd(EpochRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        FinishDisplay();
        string metrics = string.Concat(record.Validation.Select(m => string.Create(CultureInfo.InvariantCulture, $", {m.Key} {m.Value:0.0000}")));
        string line = string.Create(CultureInfo.InvariantCulture,
            $"epoch {record.Epoch}/{epochs}: loss {record.Loss:0.0000}, {record.ExamplesPerSecond:N0} examples/s, {record.Seconds:0.0} s{metrics}");
        if (console is not null) console.MarkupLineInterpolated($"[green]{line}[/]");
        else plain!.WriteLine(line);
    }

    string Description() => string.Create(CultureInfo.InvariantCulture, $"epoch {epoch}/{epochs}  loss {MeanLoss:0.0000}  {Rate:N0} ex/s");

    void FinishDisplay()
    {
        if (display is null) return;
        epochDone!.TrySetResult();
        display.Wait();
        display = null;
        bar = null;
    }

    /// <summary>Closes a live display still running (e.g. when training stopped mid-epoch).</summary>
    public void Dispose() => FinishDisplay();
}
