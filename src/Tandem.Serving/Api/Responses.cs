namespace Tandem.Serving.Api;

/// <summary>One returned item: id, score, when the catalogue has them its display fields (the items table's columns), and when a ranker ranked it its calibrated click probability.</summary>
public sealed record ScoredItem(string Id, float Score, ItemDisplay? Fields, double? Probability = null);

/// <summary>One stage of an answer: <c>retrieval</c>, <c>popular</c> (cold start), <c>ranker</c> or <c>diversity</c>, the items it produced and its wall time in milliseconds.</summary>
public sealed record Stage(string Name, int Count, double Ms);

/// <summary>The answer of <c>/v1/recommend</c> and <c>/v1/similar-items</c>.</summary>
/// <param name="ModelVersion">The model that answered (with a ranker, <c>model+ranker</c>).</param>
/// <param name="Source">Where the query came from: <c>user</c> (known id), <c>features</c>, <c>item</c>, or <c>popular</c> (cold start: most-interacted items, score = training interactions relative to the most popular item).</param>
/// <param name="Items">Best first.</param>
/// <param name="Stages">The stages that ran, in order.</param>
public sealed record ItemsResponse(string ModelVersion, string Source, IReadOnlyList<ScoredItem> Items, IReadOnlyList<Stage>? Stages = null);

/// <summary>One item's click: the ranker's logit and calibrated probability.</summary>
public sealed record ItemProbability(string Id, float Logit, double Probability);

/// <summary>The answer of <c>/v1/predict</c>.</summary>
/// <param name="ModelVersion">The model and ranker that answered (<c>model+ranker</c>).</param>
/// <param name="Calibration">How logits became probabilities: <c>platt</c>, <c>isotonic</c> or <c>none</c> (the sigmoid).</param>
/// <param name="Items">In request order.</param>
public sealed record PredictResponse(string ModelVersion, string Calibration, IReadOnlyList<ItemProbability> Items);

/// <summary>One candidate's score and, when the model is calibrated, click probability.</summary>
public sealed record ItemScore(string Id, float Score, double? Probability);

/// <summary>The answer of <c>/v1/score</c>.</summary>
/// <param name="ModelVersion">The model that answered.</param>
/// <param name="Calibrated">Whether the model file carries a Platt scaling; without one, probabilities are null.</param>
/// <param name="Note">Why probabilities are missing, when they are.</param>
/// <param name="Items">In request order.</param>
public sealed record ScoreResponse(string ModelVersion, bool Calibrated, string? Note, IReadOnlyList<ItemScore> Items);

/// <summary>The answer of <c>/v1/embed/user</c>.</summary>
public sealed record UserEmbedding(string ModelVersion, string Source, float[] Vector);

/// <summary>One item's embedding.</summary>
public sealed record ItemVector(string Id, float[] Vector);

/// <summary>The answer of <c>/v1/embed/item</c>.</summary>
public sealed record ItemEmbeddings(string ModelVersion, IReadOnlyList<ItemVector> Items);

/// <summary>The answer of <c>/healthz</c> and <c>/admin/reload</c>.</summary>
public sealed record Health(string Status, string ModelVersion, long IndexSize, int CatalogueItems, int Users, bool Calibrated);

/// <summary>An RFC 9457 problem document; <see cref="Field"/> names the request field at fault.</summary>
public sealed record Problem(string Type, string Title, int Status, string Detail, string Field);
