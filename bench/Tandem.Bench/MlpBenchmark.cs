using Tandem.Tensors;
using Tandem.Tensors.Autograd;
using Tandem.Tensors.Optimizers;

namespace Tandem.Bench;

/// <summary>
/// One training step of a 2-layer MLP (256 → 128 ReLU → 64, batch 1024, MSE, Adam): forward,
/// backward and update, against PyTorch (bench/mlp/torch_mlp_step.py) on the same shapes, in
/// alternating rounds so machine noise hits both alike. Options: <c>--threads 2</c>,
/// <c>--rounds 5</c>, <c>--steps 50</c> (per repetition), <c>--python /usr/bin/python3</c>.
/// </summary>
static class MlpBenchmark
{
    const int Batch = 1024, In = 256, Hidden = 128, Out = 64;

    public static int Run(string[] args)
    {
        int threads = int.Parse(Args.Option(args, "--threads", "2"));
        int rounds = int.Parse(Args.Option(args, "--rounds", "5"));
        int steps = int.Parse(Args.Option(args, "--steps", "50"));
        string python = Args.Option(args, "--python", "/usr/bin/python3");
        string script = Path.Combine(AppContext.BaseDirectory, "torch_mlp_step.py");
        using var scope = Threads.Use(threads);

        var random = new Random(42);
        using var w1 = new Parameter("w1", Tensor.From(Values(random, In * Hidden, 1 / MathF.Sqrt(In)), In, Hidden));
        using var b1 = new Parameter("b1", Tensor.Zeros(Hidden));
        using var w2 = new Parameter("w2", Tensor.From(Values(random, Hidden * Out, 1 / MathF.Sqrt(Hidden)), Hidden, Out));
        using var b2 = new Parameter("b2", Tensor.Zeros(Out));
        using var adam = new Adam([w1, b1, w2, b2], 1e-3f);
        using var tape = new Tape();
        float[] x = Values(random, Batch * In, 1), y = Values(random, Batch * Out, 1);

        void Step()
        {
            var h = tape.Relu(tape.Linear(tape.Constant(x, Batch, In), w1, b1));
            var error = tape.Subtract(tape.Linear(h, w2, b2), tape.Constant(y, Batch, Out));
            tape.Backward(tape.Mean(tape.Multiply(error, error)));
            adam.Step();
            adam.ZeroGrad();
            tape.Reset();
        }

        for (int i = 0; i < 20; i++) Step();
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        Step();
        long allocatedPerStep = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        var tandemMs = new List<double>();
        var torchMs = new List<double>();
        string torchVersion = "?";
        for (int round = 0; round < rounds; round++)
        {
            tandemMs.Add(Measure.Milliseconds(Step, steps) / steps);
            var (ms, version) = Torch(python, script, threads, steps);
            torchMs.Add(ms);
            torchVersion = version;
        }
        double tandem = Measure.Median(tandemMs), torch = Measure.Median(torchMs);
        Console.WriteLine($"CPU: {Measure.CpuModel()}; Simd.Best = {Simd.Best}; threads {threads}; PyTorch {torchVersion}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine($"Median of {rounds} alternating rounds of {steps} steps; Tandem allocates {allocatedPerStep} bytes per steady-state step.");
        Console.WriteLine();
        Console.WriteLine("| step (256→128→64, batch 1024, Adam) | Tandem ms | PyTorch ms | PyTorch/Tandem (speed-up) |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        Console.WriteLine($"| forward + backward + Adam | {tandem:F3} | {torch:F3} | {torch / tandem:F2}× |");
        return 0;
    }

    /// <summary>One PyTorch measurement in a child process: median ms per step and the torch version.</summary>
    static (double Ms, string Version) Torch(string python, string script, int threads, int steps)
    {
        using var json = Measure.Python(python, script, "--threads", $"{threads}", "--steps", $"{steps}", "--reps", "3");
        return (json.RootElement.GetProperty("ms_per_step").GetDouble(), json.RootElement.GetProperty("torch").GetString() ?? "?");
    }

    static float[] Values(Random random, int count, float scale) =>
        Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1) * scale).ToArray();

}
