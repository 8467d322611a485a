namespace Tandem.Retrieval;

/// <summary>How an index compares a query with an item.</summary>
public enum Metric
{
    /// <summary>Inner product; larger scores are better.</summary>
    InnerProduct,
    /// <summary>Cosine similarity: vectors are L2-normalised on add and on search, then compared by inner product; larger is better.</summary>
    Cosine,
    /// <summary>Squared Euclidean distance; smaller scores are better.</summary>
    L2,
}

/// <summary>Conversions between a metric's scores and the internal distance where smaller is always better.</summary>
public static class MetricExtensions
{
    /// <summary>True when a larger score is a better match (inner product, cosine).</summary>
    public static bool HigherIsBetter(this Metric metric) => metric != Metric.L2;

    /// <summary>The score that pads results when fewer than K items qualify.</summary>
    public static float PadScore(this Metric metric) => metric == Metric.L2 ? float.PositiveInfinity : float.NegativeInfinity;

    /// <summary>The token used in files and messages: <c>ip</c>, <c>cosine</c> or <c>l2</c>.</summary>
    public static string Token(this Metric metric) => metric switch
    {
        Metric.InnerProduct => "ip",
        Metric.Cosine => "cosine",
        _ => "l2",
    };

    /// <summary>Parses <c>ip</c>, <c>cosine</c> or <c>l2</c> (case-insensitive).</summary>
    /// <exception cref="TandemException">The text names no metric.</exception>
    public static Metric Parse(string text) => text.ToLowerInvariant() switch
    {
        "ip" or "innerproduct" or "inner_product" or "dot" => Metric.InnerProduct,
        "cosine" or "cos" => Metric.Cosine,
        "l2" or "euclidean" => Metric.L2,
        _ => RetrievalThrow.Input<Metric>($"Unknown metric '{text}'; use ip, cosine or l2."),
    };

    /// <summary>Internal distance (smaller is better) back to the user-facing score.</summary>
    internal static float ToScore(this Metric metric, float distance) => metric == Metric.L2 ? distance : -distance;
}
