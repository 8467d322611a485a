using System.Text;
using Microsoft.ML.Tokenizers;
using Tandem.Data.Encoders;

namespace Tandem.Data.Text;

/// <summary>
/// A given WordPiece vocabulary (BERT's uncased <c>vocab.txt</c>: lower-cased, accents stripped) run by Microsoft.ML.Tokenizers'
/// <see cref="BertTokenizer"/>: <c>[CLS]</c>, the pieces, <c>[SEP]</c>, each piece one token
/// whose id is its line in the vocabulary, so a pretrained model reads the same ids. Nothing
/// is fitted; the vocabulary itself is saved, so a model does not depend on the file later.
/// </summary>
public sealed class WordPieceTextTokenizer : TextTokenizer
{
    internal const byte Kind = 2;

    readonly string[] pieces;
    readonly BertTokenizer bert;

    WordPieceTextTokenizer(string[] pieces, string source)
    {
        this.pieces = pieces;
        try
        {
            // Uncased BERT lower-cases and strips accents ("Amélie" → "amelie"); accents are folded
            // before the tokenizer sees the text (AccentFolding says why).
            bert = BertTokenizer.Create(new MemoryStream(Encoding.UTF8.GetBytes(string.Join('\n', pieces))));
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
        {
            DataThrow.Data($"{source}: not a WordPiece vocabulary ({e.Message}); it must hold one piece a line with [UNK], [CLS], [SEP] and [PAD]");
            throw;
        }
    }

    /// <summary>The vocabulary, one piece per id.</summary>
    public IReadOnlyList<string> Pieces => pieces;
    /// <summary>The id of <c>[CLS]</c>, the first token of every text.</summary>
    public int ClassificationId => bert.ClassificationTokenId;
    /// <summary>The id of <c>[SEP]</c>, the last token of every text.</summary>
    public int SeparatorId => bert.SeparatorTokenId;
    /// <summary>The id of <c>[PAD]</c>.</summary>
    public int PaddingId => bert.PaddingTokenId;

    /// <inheritdoc/>
    public override int Cardinality => pieces.Length;

    /// <summary>Reads a <c>vocab.txt</c>.</summary>
    /// <exception cref="DataException">The file is missing, empty or lacks the special tokens.</exception>
    public static WordPieceTextTokenizer Load(string path)
    {
        if (!File.Exists(path)) DataThrow.FileNotFound(path, "vocabulary_file must name a WordPiece vocab.txt (one piece a line)");
        return FromLines(File.ReadAllLines(path, Encoding.UTF8), path);
    }

    /// <summary>Reads a <c>vocab.txt</c> from <paramref name="stream"/> (an embedded resource, say); <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="DataException">The vocabulary is empty or lacks the special tokens.</exception>
    public static WordPieceTextTokenizer Load(Stream stream, string source)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return FromLines(reader.ReadToEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToArray(), source);
    }

    static WordPieceTextTokenizer FromLines(string[] lines, string source)
    {
        int n = lines.Length;
        while (n > 0 && lines[n - 1].Length == 0) n--; // a trailing newline is not a piece
        if (n == 0) DataThrow.Data($"{source}: the WordPiece vocabulary is empty");
        return new WordPieceTextTokenizer(lines[..n], source);
    }

    /// <inheritdoc/>
    public override int Tokenize(string text, int maxTokens, List<int> ids, List<int> tokenEnds)
    {
        var all = bert.EncodeToIds(AccentFolding.Fold(text));
        int kept = Math.Min(all.Count, maxTokens);
        for (int i = 0; i < kept; i++)
        {
            // A truncated text still ends with [SEP], as BERT models expect.
            ids.Add(i == kept - 1 && kept < all.Count ? SeparatorId : all[i]);
            tokenEnds.Add(ids.Count);
        }
        return kept;
    }

    /// <inheritdoc/>
    public override void Save(BinaryWriter writer)
    {
        writer.Write(Kind);
        Vocabulary.WriteStrings(writer, pieces);
    }

    internal static WordPieceTextTokenizer Load(BinaryReader reader) =>
        new(Vocabulary.ReadStrings(reader, "WordPiece tokenizer"), "the saved WordPiece vocabulary");
}
