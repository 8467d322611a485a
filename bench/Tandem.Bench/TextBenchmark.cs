using System.Globalization;
using Tandem.Data.Schema;
using Tandem.Data.Text;
using Tandem.Models.Towers;
using Tandem.Pretrained;
using Tandem.Tensors.Autograd;

namespace Tandem.Bench;

/// <summary>
/// Text encoding throughput in items/s on ml-latest-small's 9,742 titles, side by side in
/// alternating rounds (medians): word + character n-gram tokenising; a <see cref="TextBag"/> and a
/// two-block <see cref="TextTransformer"/> (d 64) in eval over pre-tokenised batches of 256; and
/// the ONNX text model of bench/onnx (WordPiece + ONNX Runtime, one thread). Each row also shows
/// its ratio to the bag. Options: <c>--data-dir ../shared/datasets</c>, <c>--rounds 5</c>.
/// </summary>
static class TextBenchmark
{
    const int Batch = 256, Dim = 64;

    public static int Run(string[] args)
    {
        string dataDir = Args.Option(args, "--data-dir", "../shared/datasets");
        int rounds = int.Parse(Args.Option(args, "--rounds", "5"), CultureInfo.InvariantCulture);
        var titles = File.ReadLines(Path.Combine(dataDir, "ml-latest-small", "movies.csv")).Skip(1).Select(Title).ToArray();
        var spec = new FeatureSpec("title", "title", FeatureKind.Text, Tower.Item) { MaxLength = 16 };
        var tokenizer = WordTokenizer.Fit(titles, minCount: 2, charNGrams: 5, buckets: 32768);
        var batches = titles.Chunk(Batch).Select(c => Input(tokenizer, c)).ToArray();
        var bag = new TextBag(spec, tokenizer.Cardinality, Dim, new Random(1));
        var transformer = new TextTransformer(spec, tokenizer.Cardinality, Dim, new TextOptions { Encoding = TextEncoding.Transformer, Layers = 2, Heads = 2 }, new Random(1));
        string onnxDir = Path.Combine(AppContext.BaseDirectory, "onnx");
        using var model = new OnnxModel(Path.Combine(onnxDir, "text_encoder.onnx"));
        var onnx = new OnnxTextEncoder(model, WordPieceTextTokenizer.Load(Path.Combine(onnxDir, "vocab.txt")));
        using var tape = new Tape();

        (string Name, Action Work)[] runs =
        [
            ("tokenise (words + 3-5-grams)", () => { foreach (var t in titles) tokenizer.Ids(t, 16); }),
            ("TextBag eval", () => Encode(tape, bag, batches)),
            ("TextTransformer eval (2 blocks)", () => Encode(tape, transformer, batches)),
            ("ONNX text model (WordPiece + ORT)", () => onnx.Embed(titles, Batch).Dispose()),
        ];
        var seconds = runs.Select(_ => new List<double>()).ToArray();
        foreach (var (_, work) in runs) work(); // warm up
        for (int r = 0; r < rounds; r++)
            for (int i = 0; i < runs.Length; i++) seconds[i].Add(Measure.Milliseconds(runs[i].Work, 1) / 1000);
        double bagRate = titles.Length / Measure.Median(seconds[1]);
        Console.WriteLine($"{titles.Length} titles, {rounds} rounds, medians");
        Console.WriteLine("| work | items/s | × TextBag |");
        Console.WriteLine("|---|---:|---:|");
        for (int i = 0; i < runs.Length; i++)
        {
            double rate = titles.Length / Measure.Median(seconds[i]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {runs[i].Name} | {rate:N0} | {rate / bagRate:0.00} |"));
        }
        return 0;
    }

    static void Encode(Tape tape, IFeatureModule module, TowerInput[] batches)
    {
        foreach (var b in batches)
        {
            tape.Reset();
            using (tape.NoGrad()) module.Encode(tape, b, training: false);
        }
    }

    /// <summary>The tower input of a batch of titles, laid out as a batch's text feature.</summary>
    static TowerInput Input(WordTokenizer tokenizer, string[] titles)
    {
        var ids = new List<int>();
        var ends = new List<int> { 0 };
        var lengths = titles.Select(t => tokenizer.Tokenize(t, 16, ids, ends)).ToArray();
        return new TowerInput(titles.Length, new() { ["title"] = new FeatureInput { Ids = ids.ToArray(), Offsets = ends.ToArray(), Lengths = lengths } });
    }

    /// <summary>The title field of a movies.csv line (quoted when it holds a comma).</summary>
    internal static string Title(string line)
    {
        int start = line.IndexOf(',') + 1;
        if (line[start] != '"') return line[start..line.IndexOf(',', start)];
        int end = line.LastIndexOf('"');
        return line[(start + 1)..end].Replace("\"\"", "\"");
    }
}
