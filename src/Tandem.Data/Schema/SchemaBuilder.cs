namespace Tandem.Data.Schema;

/// <summary>
/// Declares a <see cref="FeatureSchema"/> fluently:
/// <code>
/// var schema = new SchemaBuilder()
///     .Interactions(user: "userId", item: "movieId", timestamp: "timestamp", rating: "rating")
///     .Id("user", "userId", Tower.User)
///     .Id("item", "movieId", Tower.Item)
///     .MultiCategorical("genres", "genres", Tower.Item)
///     .Timestamp("time", "timestamp")
///     .Sequence("history", "movieId", maxLength: 50)
///     .Build();
/// </code>
/// </summary>
public sealed class SchemaBuilder
{
    readonly List<FeatureSpec> features = [];
    InteractionColumns interactions = new();
    Weighting weighting;
    DataFiles files;

    /// <summary>Names the interaction columns.</summary>
    public SchemaBuilder Interactions(string? user = null, string? item = null, string? timestamp = null, string? rating = null, string? label = null)
    {
        interactions = new InteractionColumns { User = user, Item = item, Timestamp = timestamp, Rating = rating, Label = label };
        return this;
    }

    /// <summary>Names the data files.</summary>
    public SchemaBuilder Files(DataFiles files)
    {
        this.files = files;
        return this;
    }

    /// <summary>Sets the example weighting.</summary>
    public SchemaBuilder Weighting(Weighting weighting)
    {
        this.weighting = weighting;
        return this;
    }

    /// <summary>Adds a feature declared in full.</summary>
    public SchemaBuilder Add(FeatureSpec feature)
    {
        features.Add(feature);
        return this;
    }

    /// <summary>An entity id with a vocabulary (or <paramref name="hashBuckets"/> buckets).</summary>
    public SchemaBuilder Id(string name, string column, Tower tower, int minCount = 1, int hashBuckets = 0) =>
        Add(new(name, column, FeatureKind.Id, tower) { MinCount = minCount, HashBuckets = hashBuckets });

    /// <summary>A categorical value with a vocabulary (or <paramref name="hashBuckets"/> buckets).</summary>
    public SchemaBuilder Categorical(string name, string column, Tower tower, int minCount = 1, int hashBuckets = 0) =>
        Add(new(name, column, FeatureKind.Categorical, tower) { MinCount = minCount, HashBuckets = hashBuckets });

    /// <summary>Several categorical values in one field, pooled as a bag.</summary>
    public SchemaBuilder MultiCategorical(string name, string column, Tower tower, string separator = "|", Pooling pooling = Pooling.Mean, int minCount = 1) =>
        Add(new(name, column, FeatureKind.MultiCategorical, tower) { Separator = separator, Pooling = pooling, MinCount = minCount });

    /// <summary>A number.</summary>
    public SchemaBuilder Numeric(string name, string column, Tower tower, NumericTransform transform = NumericTransform.ZScore, MissingPolicy missing = MissingPolicy.Reject, int bins = 10) =>
        Add(new(name, column, FeatureKind.Numeric, tower) { Transform = transform, Missing = missing, Bins = bins });

    /// <summary>Context features derived from a Unix timestamp in seconds.</summary>
    public SchemaBuilder Timestamp(string name, string column, TimestampParts parts = TimestampParts.All) =>
        Add(new(name, column, FeatureKind.Timestamp, Tower.Context) { Parts = parts });

    /// <summary>The user's causal history of <paramref name="column"/> (an interactions column, normally the item).</summary>
    public SchemaBuilder Sequence(string name, string column, int maxLength = 50, int minCount = 1) =>
        Add(new(name, column, FeatureKind.Sequence, Tower.User) { MaxLength = maxLength, MinCount = minCount });

    /// <summary>
    /// Free text, tokenised into at most <paramref name="maxLength"/> tokens: words seen at least
    /// <paramref name="minCount"/> times in training plus hashed character n-grams up to
    /// <paramref name="charNGrams"/> long, or the pieces of a WordPiece <paramref name="vocabularyFile"/>.
    /// </summary>
    public SchemaBuilder Text(string name, string column, Tower tower, int maxLength = 50, int minCount = 1, int charNGrams = 0, string? vocabularyFile = null) =>
        Add(new(name, column, FeatureKind.Text, tower) { MaxLength = maxLength, MinCount = minCount, CharNGrams = charNGrams, VocabularyFile = vocabularyFile });

    /// <summary>A path to an image file.</summary>
    public SchemaBuilder Image(string name, string column, Tower tower) => Add(new(name, column, FeatureKind.Image, tower));

    /// <summary>A precomputed vector of <paramref name="dimension"/> floats.</summary>
    public SchemaBuilder Vector(string name, string column, Tower tower, int dimension) =>
        Add(new(name, column, FeatureKind.Vector, tower) { Dimension = dimension });

    /// <summary>Validates and returns the schema.</summary>
    /// <exception cref="DataException">Duplicate names, a sequence without a timestamp column, or an option out of range.</exception>
    public FeatureSchema Build(string source = "schema")
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in features)
        {
            string where = $"feature '{f.Name}'";
            if (string.IsNullOrWhiteSpace(f.Name)) DataThrow.Config(source, "a feature has an empty name");
            if (!seen.Add(f.Name)) DataThrow.Config(source, $"{where} is declared twice");
            if (string.IsNullOrWhiteSpace(f.Column)) DataThrow.Config(source, $"{where} has no column");
            if (f.MinCount < 1) DataThrow.Config(source, $"{where}: min_count is {f.MinCount}; it must be at least 1");
            if (f.HashBuckets < 0) DataThrow.Config(source, $"{where}: hash_buckets is {f.HashBuckets}; it must be positive (or 0 for a vocabulary)");
            switch (f.Kind)
            {
                case FeatureKind.MultiCategorical when f.Separator.Length == 0:
                    DataThrow.Config(source, $"{where}: the separator is empty");
                    break;
                case FeatureKind.Numeric when f.Transform == NumericTransform.Quantile && f.Bins < 2:
                    DataThrow.Config(source, $"{where}: bins is {f.Bins}; it must be at least 2");
                    break;
                case FeatureKind.Sequence when interactions.Timestamp is null:
                    DataThrow.Config(source, $"{where}: a sequence needs the interactions' timestamp column; set \"timestamp\" under \"interactions\"");
                    break;
                case FeatureKind.Sequence when interactions.User is null:
                    DataThrow.Config(source, $"{where}: a sequence needs the interactions' user column; set \"user\" under \"interactions\"");
                    break;
                case FeatureKind.Sequence or FeatureKind.Text when f.MaxLength < 1:
                    DataThrow.Config(source, $"{where}: max_length is {f.MaxLength}; it must be at least 1");
                    break;
                case FeatureKind.Text when f.CharNGrams is < 0 or 1 or 2 || f.CharNGrams > 0 && f.NGramBuckets < 1:
                    DataThrow.Config(source, $"{where}: char_ngrams {f.CharNGrams} with ngram_buckets {f.NGramBuckets}; n-grams run from 3 to char_ngrams (0 for none) into at least 1 bucket");
                    break;
                case FeatureKind.Vector when f.Dimension < 1:
                    DataThrow.Config(source, $"{where}: a vector needs \"dimension\" of at least 1, found {f.Dimension}");
                    break;
            }
        }
        if (weighting.Kind == WeightingKind.Rating && interactions.Rating is null)
            DataThrow.Config(source, "weighting by rating needs the interactions' rating column");
        if (weighting.Kind == WeightingKind.Recency && (interactions.Timestamp is null || !(weighting.HalfLifeDays > 0)))
            DataThrow.Config(source, "recency weighting needs the interactions' timestamp column and a positive half_life_days");
        return new FeatureSchema(interactions, features.ToArray(), weighting, files);
    }
}
