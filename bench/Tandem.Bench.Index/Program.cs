using Tandem.Retrieval;
using Tandem.Tensors;

if (args.Length > 0 && args[0] == "debug")
{
    Threads.Count = int.Parse(args[1]);
    int d = 32, n = 20000;
    var rnd = new Random(7);
    float G() => (float)(Math.Sqrt(-2 * Math.Log(1 - rnd.NextDouble())) * Math.Cos(2 * Math.PI * rnd.NextDouble()));
    var cent = new float[100 * d]; for (int i = 0; i < cent.Length; i++) cent[i] = G();
    float[] Gen(int count) { var x = new float[count * d]; for (int i = 0; i < count; i++) { int c = rnd.Next(100); double s = 0; for (int j = 0; j < d; j++) { x[i * d + j] = cent[c * d + j] + 0.35f * G(); s += x[i*d+j]*x[i*d+j]; } for (int j = 0; j < d; j++) x[i*d+j] /= (float)Math.Sqrt(s); } return x; }
    var items = Gen(n); var queries = Gen(200);
    var ids = Enumerable.Range(0, n).Select(i => (long)i + long.Parse(args[2])).ToArray();
    using var flat = new FlatIndex(d); flat.Add(items, ids);
    var ts = new float[2000]; var ti = new long[2000]; flat.Search(queries, 10, ts, ti);
    var sw = System.Diagnostics.Stopwatch.StartNew();
    var cpu0 = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
    using var h = new HnswIndex(d, m: 16, efConstruction: 100, efSearch: 64); h.Add(items, ids);
    Console.WriteLine($"build {sw.Elapsed.TotalSeconds:F2}s cpu {(System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds:F2}s");
    foreach (int ef in new[] { 16, 64, 256 })
    {
        var s = new float[2000]; var f = new long[2000]; h.Search(queries, 10, s, f, new SearchOptions { EfSearch = ef });
        int hit = 0; for (int q = 0; q < 200; q++) { var t = ti.AsSpan(q * 10, 10).ToArray(); for (int j = 0; j < 10; j++) if (t.Contains(f[q * 10 + j])) hit++; }
        Console.WriteLine($"ef {ef}: recall {hit / 2000.0:F3}");
    }
    return;
}
if (args.Length > 0 && args[0] == "pq")
{
    int d = 32, n = 20000;
    var rnd = new Random(7);
    var x = new float[n * d]; for (int i = 0; i < x.Length; i++) x[i] = rnd.NextSingle();
    var sw = System.Diagnostics.Stopwatch.StartNew();
    KMeans.Train(x, d, 100, new KMeansOptions { Seed = 1 }); Console.WriteLine($"kmeans100 {sw.ElapsedMilliseconds} ms"); sw.Restart();
    var sub = x[..(n * 4)];
    KMeans.Train(sub, 4, 256, new KMeansOptions { Seed = 1, Iterations = 20 }); Console.WriteLine($"kmeans256 d4 {sw.ElapsedMilliseconds} ms"); sw.Restart();
    var pq = new ProductQuantizer(d, 8); pq.Train(x); Console.WriteLine($"pq train {sw.ElapsedMilliseconds} ms"); sw.Restart();
    var codes = new byte[n * 8]; pq.Encode(x, codes); Console.WriteLine($"pq encode {sw.ElapsedMilliseconds} ms"); sw.Restart();
    using var ivf = IvfIndex.WithPq(d, 100, 8); ivf.Train(x); Console.WriteLine($"ivf train {sw.ElapsedMilliseconds} ms"); sw.Restart();
    ivf.Add(x, Enumerable.Range(0, n).Select(i => (long)i).ToArray()); Console.WriteLine($"ivf add {sw.ElapsedMilliseconds} ms"); sw.Restart();
}
