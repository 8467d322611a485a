using Tandem.Data.Batching;
using Tandem.Data.Histories;
using Tandem.Data.Schema;
using Tandem.Data.Tables;
using Tandem.Data.Text;

namespace Tandem.Data.Encoders;

/// <summary>
/// Text features: a <see cref="WordTokenizer"/> fitted on the training rows' text (each side-table
/// row counted once), or the <see cref="WordPieceTextTokenizer"/> of the feature's vocabulary
/// file. Each row becomes at most <see cref="FeatureSpec.MaxLength"/> tokens.
/// </summary>
public sealed class TextEncoder : FeatureEncoder
{
    TextEncoder(FeatureSpec spec, TextTokenizer tokenizer) : base(spec) => Tokenizer = tokenizer;

    /// <summary>The fitted tokenizer.</summary>
    public TextTokenizer Tokenizer { get; }

    /// <summary>Fits on the text of the rows that training interactions <paramref name="trainRows"/> reach.</summary>
    /// <exception cref="DataException">The vocabulary file is missing or invalid.</exception>
    public new static TextEncoder Fit(FeatureSpec spec, InteractionLog log, ReadOnlySpan<int> trainRows)
    {
        if (spec.VocabularyFile is { } path) return new TextEncoder(spec, WordPieceTextTokenizer.Load(path));
        var table = log.TableOf(spec);
        var values = table.Get<TextColumn>(spec.Column).Values;
        var rowMap = log.RowMap(table);
        var seen = new bool[values.Count];
        var texts = new List<string>();
        foreach (int i in trainRows)
        {
            int row = rowMap is null ? i : rowMap[i];
            if (row < 0 || seen[row]) continue;
            seen[row] = rowMap is not null; // interaction text counts per interaction, side-table text once per row
            texts.Add(values[row]);
        }
        return new TextEncoder(spec, WordTokenizer.Fit(texts, spec.MinCount, spec.CharNGrams, spec.NGramBuckets));
    }

    /// <inheritdoc/>
    public override void Save(BinaryWriter writer) => Tokenizer.Save(writer);

    /// <summary>Reads what <see cref="Save"/> wrote.</summary>
    internal new static TextEncoder Load(FeatureSpec spec, BinaryReader reader)
    {
        byte kind = reader.ReadByte();
        TextTokenizer tokenizer = kind switch
        {
            WordTokenizer.Kind => WordTokenizer.Load(reader),
            WordPieceTextTokenizer.Kind => WordPieceTextTokenizer.Load(reader),
            _ => Fail(spec, $"unknown tokenizer kind {kind}"),
        };
        if ((kind == WordPieceTextTokenizer.Kind) != (spec.VocabularyFile is not null))
            DataThrow.Corrupt($"feature '{spec.Name}'", $"saved with a {(kind == WordPieceTextTokenizer.Kind ? "WordPiece" : "word")} tokenizer, but the schema {(spec.VocabularyFile is null ? "names no" : "names a")} vocabulary_file");
        return new TextEncoder(spec, tokenizer);
    }

    static TextTokenizer Fail(FeatureSpec spec, string detail)
    {
        DataThrow.Corrupt($"feature '{spec.Name}'", detail);
        return null!;
    }

    internal override IEnumerable<EncodedFeature> Encode(InteractionLog log, HistoryIndex? history)
    {
        var table = log.TableOf(Spec);
        var values = table.Get<TextColumn>(Spec.Column).Values;
        var rowTokens = new int[values.Count + 1];
        var ids = new List<int>();
        var tokenEnds = new List<int> { 0 };
        for (int r = 0; r < values.Count; r++)
            rowTokens[r + 1] = rowTokens[r] + Tokenizer.Tokenize(values[r], Spec.MaxLength, ids, tokenEnds);
        yield return new TokenFeature(Spec.Name, Spec, log.RowMap(table), rowTokens, tokenEnds.ToArray(), ids.ToArray(), Tokenizer.Cardinality, [.. values]);
    }
}
