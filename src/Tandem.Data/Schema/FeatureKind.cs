namespace Tandem.Data.Schema;

/// <summary>What a feature is and therefore how it is encoded.</summary>
public enum FeatureKind
{
    /// <summary>An entity id (user, item): a vocabulary or hash buckets, one id per example.</summary>
    Id,
    /// <summary>A categorical value: a vocabulary or hash buckets, one id per example.</summary>
    Categorical,
    /// <summary>Several categorical values in one field (<c>Adventure|Comedy</c>), pooled as a bag.</summary>
    MultiCategorical,
    /// <summary>A number: z-score, log1p, min-max, quantile buckets or log-squared buckets.</summary>
    Numeric,
    /// <summary>A Unix time in seconds: hour of day, day of week, age of the interaction.</summary>
    Timestamp,
    /// <summary>The user's causal history of a column's values (items by default).</summary>
    Sequence,
    /// <summary>Free text, tokenised later by the text encoder.</summary>
    Text,
    /// <summary>A path to an image file.</summary>
    Image,
    /// <summary>A precomputed float vector of fixed dimension.</summary>
    Vector,
}

/// <summary>The tower a feature feeds.</summary>
public enum Tower
{
    /// <summary>The user (query) tower; features come from the users table if it has the column, else from interactions.</summary>
    User,
    /// <summary>The item (candidate) tower; features come from the items table if it has the column, else from interactions.</summary>
    Item,
    /// <summary>Per-interaction context (time, device); feeds the user tower.</summary>
    Context,
}

/// <summary>How a bag of embeddings is reduced to one.</summary>
public enum Pooling
{
    /// <summary>The sum of the bag's embeddings.</summary>
    Sum,
    /// <summary>The mean of the bag's embeddings (zero for an empty bag).</summary>
    Mean,
}

/// <summary>How a numeric feature is normalised.</summary>
public enum NumericTransform
{
    /// <summary>(x - mean) / std, with statistics of the training split.</summary>
    ZScore,
    /// <summary>log(1 + max(x, 0)).</summary>
    Log1p,
    /// <summary>(x - min) / (max - min) of the training split, clamped to [0, 1].</summary>
    MinMax,
    /// <summary>The index of the training split's quantile bin holding x: an id, not a number.</summary>
    Quantile,
    /// <summary>
    /// The Criteo competition winners' bucketing (Juan et al. 2016, libffm's Criteo scripts, kept by
    /// DeepCTR and PaddleRec): <c>floor(ln(x)²)</c> for x &gt; 2, else <c>floor(x)</c>: an id, not a number;
    /// values outside the training range take the nearest end's id.
    /// </summary>
    LogSquared,
}

/// <summary>What to do with a missing (empty) numeric value.</summary>
public enum MissingPolicy
{
    /// <summary>Stop with an error naming file, line and column.</summary>
    Reject,
    /// <summary>Use the training split's mean.</summary>
    ImputeMean,
}

/// <summary>The context features derived from a timestamp.</summary>
[Flags]
public enum TimestampParts
{
    /// <summary>None.</summary>
    None = 0,
    /// <summary>Hour of day in UTC, an id in 0..23.</summary>
    HourOfDay = 1,
    /// <summary>Day of week (Sunday = 0), an id in 0..6.</summary>
    DayOfWeek = 2,
    /// <summary>log(1 + days between the interaction and the newest training interaction), a number.</summary>
    Age = 4,
    /// <summary>All three.</summary>
    All = HourOfDay | DayOfWeek | Age,
}
