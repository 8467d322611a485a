using System.Diagnostics;
using System.Globalization;
using Tandem.Data.Encoders;
using Tandem.Data.Schema;
using Tandem.Data.Tables;

// Reading and encoding benchmark (see docs/benchmarks.md, "Data: reading and encoding").
//   generate PATH ROWS   writes a MovieLens-like interaction CSV (user,item,rating,timestamp)
//   run PATH             reads it, fits every encoder on all rows and encodes them; prints one line
switch (args)
{
    case ["generate", var path, var rows]:
        Generate(path, long.Parse(rows, CultureInfo.InvariantCulture));
        break;
    case ["run", var path]:
        Run(path);
        break;
    default:
        Console.Error.WriteLine("usage: Tandem.Bench.Data generate PATH ROWS | run PATH");
        Environment.Exit(2);
        break;
}

static void Generate(string path, long rows)
{
    // 200,000 users and 50,000 items with a skewed (squared-uniform) popularity; half-star ratings;
    // timestamps over ten years, like the MovieLens files.
    var random = new Random(12345);
    Tandem.IO.AtomicFile.Write(path, file =>
    {
        using var w = new StreamWriter(file, new System.Text.UTF8Encoding(false), 1 << 20, leaveOpen: true);
        w.Write("userId,movieId,rating,timestamp\n");
        for (long i = 0; i < rows; i++)
        {
            int user = random.Next(200_000);
            double u = random.NextDouble();
            int item = (int)(u * u * 50_000);
            int halfStars = 1 + random.Next(10);
            long t = 1_200_000_000 + random.NextInt64(315_360_000);
            w.Write(user);
            w.Write(',');
            w.Write(item);
            w.Write(',');
            w.Write(halfStars / 2);
            w.Write(halfStars % 2 == 0 ? ".0," : ".5,");
            w.Write(t);
            w.Write('\n');
        }
    });
}

static void Run(string path)
{
    var schema = new SchemaBuilder()
        .Interactions(user: "userId", item: "movieId", timestamp: "timestamp", rating: "rating")
        .Id("user", "userId", Tower.User)
        .Id("item", "movieId", Tower.Item)
        .Numeric("rating", "rating", Tower.Context)
        .Timestamp("time", "timestamp")
        .Build();
    var process = Process.GetCurrentProcess();
    var cpu0 = process.TotalProcessorTime;
    var clock = Stopwatch.StartNew();
    var log = InteractionLog.Load(schema, path);
    double read = clock.Elapsed.TotalSeconds;
    process.Refresh();
    double readCpu = (process.TotalProcessorTime - cpu0).TotalSeconds;
    var all = new int[log.Count];
    for (int i = 0; i < all.Length; i++) all[i] = i;
    var fitted = FittedFeatures.Fit(log, all);
    var encoded = fitted.Encode(log, all);
    double total = clock.Elapsed.TotalSeconds;
    process.Refresh();
    double totalCpu = (process.TotalProcessorTime - cpu0).TotalSeconds;
    long peak = process.PeakWorkingSet64;
    Console.WriteLine(FormattableString.Invariant(
        $"rows={log.Count} users={log.UserKeys!.Count} items={log.ItemKeys!.Count} features={encoded.Features.Count} read_s={read:F2} read_encode_s={total:F2} read_cpu_s={readCpu:F2} read_encode_cpu_s={totalCpu:F2} rows_per_s={log.Count / total:F0} peak_mb={peak / (1 << 20)}"));
}
