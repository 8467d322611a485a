using Tandem.IO;
using Tandem.Experiments;
using Tandem.Models.Training;

namespace Tandem.Cli.Tests;

public class ConsoleProgressTests
{
    [Fact]
    public void Redirected_output_gets_plain_lines()
    {
        var output = new StringWriter();
        // Interval zero is the default (10 s); one tick means a line for every step.
        using (var progress = new ConsoleProgress(output, new ProgressOptions { PlainInterval = TimeSpan.FromTicks(1) }))
        {
            ITrainingObserver observer = progress;
            observer.OnEpochStart(1, 3, 200);
            observer.OnStep(2.0, 100);
            observer.OnStep(1.0, 100);
            observer.OnEpochEnd(new EpochRecord
            {
                Epoch = 1, Loss = 1.5, Examples = 200, Seconds = 0.5,
                Validation = new Dictionary<string, double> { ["Recall@10"] = 0.25 },
            });
        }
        string[] lines = output.ToString().ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("epoch 1/3: 100/200 (50%) examples, loss 2.0000, ", lines[0]);
        // Running mean after two batches of 100: (2.0·100 + 1.0·100) / 200 = 1.5.
        Assert.StartsWith("epoch 1/3: 200/200 (100%) examples, loss 1.5000, ", lines[1]);
        // 200 examples in 0.5 s = 400 examples/s.
        Assert.Equal("epoch 1/3: loss 1.5000, 400 examples/s, 0.5 s, Recall@10 0.2500", lines[2]);
    }

    [Fact]
    public void Combined_observers_each_see_every_call()
    {
        var output = new StringWriter();
        var history = new TrainingHistory();
        var observer = TrainingObservers.Combine(new ConsoleProgress(output), history);
        observer.OnEpochStart(1, 1, 10);
        observer.OnStep(1, 10);
        observer.OnEpochEnd(new EpochRecord { Epoch = 1, Loss = 1, Examples = 10, Seconds = 1 });
        Assert.Equal(1, Assert.Single(history.Epochs).Epoch);
        Assert.Equal("epoch 1/1: loss 1.0000, 10 examples/s, 1.0 s\n", output.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void The_default_interval_keeps_short_epochs_to_one_line()
    {
        var output = new StringWriter();
        using var progress = new ConsoleProgress(output);
        progress.OnEpochStart(2, 2, 0);
        for (int i = 0; i < 100; i++) progress.OnStep(0.5, 10);
        progress.OnEpochEnd(new EpochRecord { Epoch = 2, Loss = 0.5, Examples = 1000, Seconds = 0 });
        Assert.Equal("epoch 2/2: loss 0.5000, 0 examples/s, 0.0 s\n", output.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void The_first_stop_request_cancels_and_the_second_lets_the_process_end()
    {
        using var stop = StopRequest.Manual();
        Assert.False(stop.Token.IsCancellationRequested);
        Assert.True(stop.Request());
        Assert.True(stop.Token.IsCancellationRequested);
        Assert.False(stop.Request());
    }
}

public class LiveProgressTests
{
    [Fact]
    public async Task A_live_display_draws_each_epoch_and_finishes()
    {
        var output = new StringWriter();
        var console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings
        {
            Out = new Spectre.Console.AnsiConsoleOutput(output),
            Interactive = Spectre.Console.InteractionSupport.Yes,
            Ansi = Spectre.Console.AnsiSupport.Yes,
        });
        var run = Task.Run(() =>
        {
            using var progress = new ConsoleProgress(console, TextWriter.Null, default);
            for (int epoch = 1; epoch <= 2; epoch++)
            {
                progress.OnEpochStart(epoch, 2, 300);
                for (int i = 0; i < 3; i++) progress.OnStep(0.75, 100);
                progress.OnEpochEnd(new EpochRecord { Epoch = epoch, Loss = 0.75, Examples = 300, Seconds = 1 });
            }
        });
        Assert.Same(run, await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(20))));
        await run;
        string text = output.ToString();
        Assert.Contains("epoch 1/2: loss 0.7500, 300 examples/s, 1.0 s", text);
        Assert.Contains("epoch 2/2: loss 0.7500, 300 examples/s, 1.0 s", text);
        Assert.Contains("epoch 2/2  loss 0.7500", text); // the bar's description with the running loss
    }
}
