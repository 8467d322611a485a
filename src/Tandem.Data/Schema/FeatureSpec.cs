namespace Tandem.Data.Schema;

/// <summary>
/// One declared feature: its name, the column it comes from, its kind, its tower and the
/// options of its encoding. Options that do not apply to the kind are ignored.
/// </summary>
/// <param name="Name">Unique feature name; batches are keyed by it.</param>
/// <param name="Column">The source column.</param>
/// <param name="Kind">How it is encoded.</param>
/// <param name="Tower">The tower it feeds.</param>
public sealed record FeatureSpec(string Name, string Column, FeatureKind Kind, Tower Tower)
{
    /// <summary>Id/categorical/multi/sequence: values seen fewer times in training go to the out-of-vocabulary row. Default 1.</summary>
    public int MinCount { get; init; } = 1;

    /// <summary>Id/categorical/multi/sequence: if positive, hash into this many buckets instead of fitting a vocabulary. Default 0.</summary>
    public int HashBuckets { get; init; }

    /// <summary>Multi-categorical: the separator inside a field. Default <c>|</c>.</summary>
    public string Separator { get; init; } = "|";

    /// <summary>Multi-categorical: how the bag is pooled. Default mean.</summary>
    public Pooling Pooling { get; init; } = Pooling.Mean;

    /// <summary>Numeric: the normalisation. Default z-score.</summary>
    public NumericTransform Transform { get; init; } = NumericTransform.ZScore;

    /// <summary>Numeric with quantile transform: the number of bins. Default 10.</summary>
    public int Bins { get; init; } = 10;

    /// <summary>Numeric: what to do with a missing value. Default reject.</summary>
    public MissingPolicy Missing { get; init; } = MissingPolicy.Reject;

    /// <summary>Timestamp: which context features to derive. Default all.</summary>
    public TimestampParts Parts { get; init; } = TimestampParts.All;

    /// <summary>Sequence: the most recent events kept; text: the first tokens kept. Default 50.</summary>
    public int MaxLength { get; init; } = 50;

    /// <summary>Vector: floats per value (required for vectors).</summary>
    public int Dimension { get; init; }

    /// <summary>
    /// Text (words): the longest hashed character n-gram of each word (n from 3, fastText's
    /// <c>&lt;word&gt;</c> with boundary marks), so unseen and rare words still share sub-word
    /// vectors; 0 for words only. Default 0.
    /// </summary>
    public int CharNGrams { get; init; }

    /// <summary>Text (words) with <see cref="CharNGrams"/>: the hash buckets of the n-grams. Default 32768.</summary>
    public int NGramBuckets { get; init; } = 32768;

    /// <summary>
    /// Text: a WordPiece vocabulary file (BERT's <c>vocab.txt</c>, one piece a line) to tokenise
    /// with instead of fitting a word vocabulary; its contents are saved with the fitted state. Default null.
    /// </summary>
    public string? VocabularyFile { get; init; }
}
