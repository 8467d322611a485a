using Tandem.Data.Schema;
using Tandem.Data.Images;
using Tandem.Models.Towers;
using Tandem.Tensors;
using Tandem.Tensors.Autograd;
using Tandem.Tensors.Optimizers;

namespace Tandem.Bench;

/// <summary>
/// Image encoding throughput in items/s, against Pillow + PyTorch (bench/images/torch_images.py) on the
/// same work, in alternating rounds: JPEG decode + bilinear resize to 64×64 + normalise of Flickr8k photos
/// (one thread each), and the default <see cref="ImageCnn"/> (16, 32, 64 channels, 64×64, batch 64) in
/// eval and as a training step (forward, backward, Adam). Options: <c>--data-dir ../shared/datasets</c>,
/// <c>--count 200</c> images, <c>--threads 2</c>, <c>--rounds 3</c>, <c>--steps 5</c>, <c>--python /usr/bin/python3</c>.
/// </summary>
static class ImageBenchmark
{
    const int Size = 64, Batch = 64;

    public static int Run(string[] args)
    {
        string images = Path.Combine(Args.Option(args, "--data-dir", "../shared/datasets"), "flickr8k-1k", "images");
        int count = int.Parse(Args.Option(args, "--count", "200"));
        int threads = int.Parse(Args.Option(args, "--threads", "2"));
        int rounds = int.Parse(Args.Option(args, "--rounds", "3"));
        int steps = int.Parse(Args.Option(args, "--steps", "5"));
        string python = Args.Option(args, "--python", "/usr/bin/python3");
        string script = Path.Combine(AppContext.BaseDirectory, "torch_images.py");
        var files = Directory.GetFiles(images, "*.jpg").Order(StringComparer.Ordinal).Take(count).ToArray();
        var options = new ImageOptions { Size = Size };
        var pixels = new float[options.Length];
        void Decode()
        {
            foreach (var f in files) ImageDecoder.Load(f, f, options, pixels);
        }

        using var scope = Threads.Use(threads);
        var store = ImageStore.Build(files.Take(Batch).Select(f => new ImageSource(f, f)).ToArray(), options);
        var cnn = new ImageCnn(new FeatureSpec("image", "image", FeatureKind.Image, Tower.Item), store, new ImageCnnOptions(), new Random(1));
        using var adam = new Adam(cnn.Parameters, 1e-3f);
        using var tape = new Tape();
        int[] ids = Enumerable.Range(0, Batch).ToArray();
        void Encode()
        {
            tape.Reset();
            using (tape.NoGrad()) cnn.Encode(tape, ids, training: false);
        }
        void Train()
        {
            tape.Reset();
            adam.ZeroGrad();
            var y = cnn.Encode(tape, ids, training: true);
            tape.Backward(tape.Mean(tape.Multiply(y, y)));
            adam.Step();
        }
        Decode();
        Encode();
        Train();

        var ours = new List<double>[3];
        var theirs = new List<double>[3];
        for (int i = 0; i < 3; i++) (ours[i], theirs[i]) = ([], []);
        string versions = "?";
        for (int round = 0; round < rounds; round++)
        {
            ours[0].Add(files.Length / (Measure.Milliseconds(Decode, 1) / 1000));
            ours[1].Add(Batch * steps / (Measure.Milliseconds(Encode, steps) / 1000));
            ours[2].Add(Batch * steps / (Measure.Milliseconds(Train, steps) / 1000));
            var reference = Reference(python, script, images, files.Length, threads, steps);
            for (int i = 0; i < 3; i++) theirs[i].Add(reference.Rates[i]);
            versions = reference.Versions;
        }
        Console.WriteLine($"CPU: {Measure.CpuModel()}; Simd.Best = {Simd.Best}; threads {threads}; {versions}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine($"Median items/s of {rounds} alternating rounds; decode over {files.Length} Flickr8k JPEGs (one thread), CNN batches of {Batch} at {Size}x{Size}.");
        Console.WriteLine();
        Console.WriteLine("| work | Tandem items/s | reference items/s | Tandem/reference |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        string[] names = ["decode + resize + normalise (vs Pillow + NumPy)", "CNN encode, eval (vs PyTorch)", "CNN training step, Adam (vs PyTorch)"];
        for (int i = 0; i < 3; i++)
        {
            double a = Measure.Median(ours[i]), b = Measure.Median(theirs[i]);
            Console.WriteLine($"| {names[i]} | {a:F0} | {b:F0} | {a / b:F2}× |");
        }
        return 0;
    }

    /// <summary>One reference measurement in a child process.</summary>
    static (double[] Rates, string Versions) Reference(string python, string script, string images, int count, int threads, int steps)
    {
        using var json = Measure.Python(python, script, "--images", images, "--count", $"{count}", "--size", $"{Size}", "--batch", $"{Batch}",
            "--threads", $"{threads}", "--steps", $"{steps}");
        var r = json.RootElement;
        return ([r.GetProperty("decode").GetDouble(), r.GetProperty("encode").GetDouble(), r.GetProperty("train").GetDouble()],
            $"PyTorch {r.GetProperty("torch").GetString()}, Pillow {r.GetProperty("pillow").GetString()}");
    }
}
