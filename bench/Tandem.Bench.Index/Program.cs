// Tandem's side of bench/index/run.sh: builds one index over the benchmark files and prints one
// JSON line with build time, memory and recall@k/QPS points, in the same shape as reference.py.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Tandem.Retrieval;
using Tandem.Retrieval.Formats;
using Tandem.Tensors;

var options = args.Select((a, i) => (a, i)).Where(p => p.a.StartsWith("--")).ToDictionary(p => p.a[2..], p => args[p.i + 1]);
string dir = options["dir"], kind = options["case"];
int Option(string name, int fallback) => options.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
int buildThreads = Option("build-threads", 2), flatThreads = Option("flat-threads", 2), flatQueries = Option("flat-queries", 1000), trainSize = Option("train-size", 256_000);
// --spec: the factory string of the "refine" case (a compressed index re-ranked with exact vectors).
string refineSpec = options.GetValueOrDefault("spec") ?? "IVF4000,PQ32x4fs,Refine16";

var items = VectorFile.Read(Path.Combine(dir, "items.npy"));
var queries = VectorFile.Read(Path.Combine(dir, "queries.npy"));
var truthSet = VectorFile.Read(Path.Combine(dir, "truth.npy"));
var truth = truthSet.Data.Select(v => (long)v).ToArray();
int k = truthSet.Dimension, n = items.Rows, d = items.Dimension;
var ids = Enumerable.Range(0, n).Select(i => (long)i).ToArray();

// This thread's CPU time (CLOCK_THREAD_CPUTIME_ID): the machine is shared, so CPU QPS is the steadier figure.
double ThreadCpuSeconds() { var t = new Timespec(); Native.clock_gettime(3, ref t); return t.Seconds + t.Nanoseconds * 1e-9; }
double ProcessCpuSeconds() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

double RssMb() => File.ReadLines("/proc/self/status").Where(l => l.StartsWith("VmRSS:")).Select(l => double.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024).First();

double Recall(long[] found, int rows)
{
    int hits = 0;
    for (int q = 0; q < rows; q++)
    {
        var expected = new HashSet<long>(truth.AsSpan(q * k, k).ToArray());
        for (int j = 0; j < k; j++) if (expected.Contains(found[q * k + j])) hits++;
    }
    return (double)hits / (rows * k);
}

// One query per call on one thread: the serving pattern.
List<object> Sweep(VectorIndex index, IEnumerable<(string Name, SearchOptions Options)> settings)
{
    var points = new List<object>();
    var scores = new float[k];
    foreach (var (name, search) in settings)
    {
        var found = new long[queries.Rows * k];
        // Untimed passes over all queries for at least a second: the JIT's tiered compilation has then settled on
        // optimised code (50 queries, as the native libraries get, left the first settings timed partly on tier-0 code).
        for (var warm = Stopwatch.StartNew(); warm.Elapsed.TotalSeconds < 1;)
            for (int q = 0; q < queries.Rows; q++) index.Search(queries.Row(q), k, scores, found.AsSpan(q * k, k), search);
        var clock = Stopwatch.StartNew();
        double cpu = ThreadCpuSeconds();
        for (int q = 0; q < queries.Rows; q++) index.Search(queries.Row(q), k, scores, found.AsSpan(q * k, k), search);
        double seconds = clock.Elapsed.TotalSeconds;
        cpu = ThreadCpuSeconds() - cpu;
        points.Add(new { setting = name, recall = Recall(found, queries.Rows), qps = queries.Rows / seconds, cpu_qps = queries.Rows / cpu });
    }
    return points;
}

double baseline = RssMb();
var buildScope = Threads.Use(buildThreads);
var build = Stopwatch.StartNew();
double buildCpu = ProcessCpuSeconds();
// --index PATH: load the index from PATH when it exists, else build it and save it there (for quick search-only reruns).
string? cached = options.GetValueOrDefault("index");
bool loaded = cached != null && File.Exists(cached);
VectorIndex built = loaded ? VectorIndex.Load(cached!) : kind switch
{
    "hnsw" => new HnswIndex(d, Metric.InnerProduct, m: 16, efConstruction: 200),
    "ivfpq" => IvfIndex.WithPq(d, 4000, 16, Metric.InnerProduct),
    "flat" => new FlatIndex(d, Metric.InnerProduct),
    "refine" => IndexFactory.Create(refineSpec, d, Metric.InnerProduct),
    _ => throw new ArgumentException($"unknown case '{kind}'"),
};
if (!loaded)
{
    if (!built.IsTrained) built.Train(items.Span[..(Math.Min(trainSize, n) * d)]);
    built.Add(items.Span, ids);
    if (cached != null) built.Save(cached);
}
double buildSeconds = build.Elapsed.TotalSeconds;
buildCpu = ProcessCpuSeconds() - buildCpu;
double memory = RssMb() - baseline;
buildScope.Dispose();

List<object> points;
if (kind == "flat")
{
    int rows = Math.Min(flatQueries, queries.Rows);
    var batch = queries.Span[..(rows * d)];
    var scores = new float[rows * k];
    var found = new long[rows * k];
    var search = new SearchOptions { Threads = flatThreads };
    built.Search(batch[..(Math.Min(rows, 50) * d)], k, scores, found, search);
    var times = new List<double>();
    var cpus = new List<double>();
    for (int run = 0; run < 3; run++)
    {
        var clock = Stopwatch.StartNew();
        double cpu = ProcessCpuSeconds();
        built.Search(batch, k, scores, found, search);
        times.Add(clock.Elapsed.TotalSeconds);
        cpus.Add(ProcessCpuSeconds() - cpu);
    }
    times.Sort();
    cpus.Sort();
    points = [new { setting = $"batch of {rows}, {flatThreads} threads", recall = Recall(found, rows), qps = rows / times[1], cpu_qps = rows / (cpus[1] / flatThreads) }];
}
else
{
    using var searchScope = Threads.Use(1);
    points = kind == "hnsw"
        ? Sweep(built, new[] { 16, 24, 32, 48, 64, 96, 128 }.Select(ef => ($"efSearch={ef}", new SearchOptions { EfSearch = ef, Threads = 1 })))
        : Sweep(built, new[] { 8, 16, 32, 64, 128 }.Select(p => ($"nprobe={p}", new SearchOptions { NProbe = p, Threads = 1 })));
}
// The SIMD level the kernels ran at (DOTNET_EnableAVX512=0 forces AVX2 on an AVX-512 machine).
Console.WriteLine(JsonSerializer.Serialize(new { lib = "tandem", @case = kind, spec = built.Spec, simd = Simd.Best.ToString(), build_s = buildSeconds, build_cpu_s = buildCpu, memory_mb = memory, points }));

struct Timespec { public long Seconds; public long Nanoseconds; }

static partial class Native
{
    [System.Runtime.InteropServices.LibraryImport("libc")]
    internal static partial int clock_gettime(int clock, ref Timespec time);
}
