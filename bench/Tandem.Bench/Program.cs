using Tandem.Bench;

// Benchmarks by name: `dotnet run -c Release --project bench/Tandem.Bench -- <name> [options]`.
// Each benchmark is one class in its own file; add it to this table.
var benchmarks = new Dictionary<string, Func<string[], int>>
{
    ["gemm"] = GemmBenchmark.Run,
    ["mlp"] = MlpBenchmark.Run,
    ["images"] = ImageBenchmark.Run,
    ["text"] = TextBenchmark.Run,
    ["pretrained"] = PretrainedBenchmark.Run,
    ["maxsim"] = MaxSimBenchmark.Run,
    ["multivector"] = MultiVectorBenchmark.Run,
};

if (args.Length == 0 || !benchmarks.TryGetValue(args[0], out var run))
{
    Console.Error.WriteLine($"usage: Tandem.Bench <{string.Join("|", benchmarks.Keys)}> [options]");
    return 2;
}
return run(args[1..]);
