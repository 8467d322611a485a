using Tandem.Models.Ranking;
using Tandem.Serving.Api;

namespace Tandem.Serving;

/// <summary>
/// The answers that need the served ranker: <c>/v1/recommend</c> through the two-stage pipeline
/// (retrieve under the request's filter, rank, diversify) and <c>/v1/predict</c> (click probabilities
/// of given items). Validates each request's fields once. Stateless, so thread-safe.
/// </summary>
static class RankedRecommender
{
    /// <summary>Candidates retrieved for the ranker when the request does not say (or K, when larger).</summary>
    public const int DefaultCandidates = 200;

    /// <summary>The top K for a user with a query: the ranker's when it knows the user, retrieval's otherwise (the stages say which ran).</summary>
    public static ItemsResponse Recommend(TwoStagePipeline pipeline, RecommendRequest request, ResolvedUser user, ServingModel model, int k, float diversity, CandidateFilter? filter)
    {
        int candidates = request.Candidates ?? Math.Max(DefaultCandidates, k);
        if (candidates < k || candidates > TwoStagePipeline.MaxCandidates)
            RequestThrow.Field("candidates", $"is {candidates}; it must be between k ({k}) and {TwoStagePipeline.MaxCandidates}");
        var result = pipeline.Recommend(user.Query(model), request.User,
            new PipelineOptions { Candidates = candidates, K = k, Rules = filter, Diversity = diversity });
        var items = new List<ScoredItem>(result.Items.Count);
        // An indexed item outside the catalogue has no key for the ranker or the answer: left out.
        foreach (var r in result.Items)
            if (r.Row >= 0) items.Add(new ScoredItem(r.Item!, r.RetrievalScore, Recommender.Display(model.Items, r.Row), r.Probability));
        return new ItemsResponse(model.Version, user.Source, items, [.. result.Stages.Select(s => new Stage(s.Name, s.Count, Math.Round(s.Milliseconds, 3)))]);
    }

    /// <summary>The ranker's calibrated click probability of each requested item for the user, in request order.</summary>
    public static PredictResponse Predict(PredictRequest request, ServingModel model)
    {
        var ranking = model.Pipeline?.Ranking;
        if (ranking is null) RequestThrow.NotFound("ranker", "the service runs without a ranker; start it with --ranker RANKER.tandem to predict clicks");
        if (request.User is null) RequestThrow.Field("user", "is missing; give the user id");
        var ids = request.Items;
        if (ids is null) RequestThrow.Field("items", "is missing; list item ids");
        if (ids.Length == 0) RequestThrow.Field("items", "is empty; list at least one item id");
        if (ids.Length > Recommender.MaxK) RequestThrow.Field("items", $"lists {ids.Length} items; at most {Recommender.MaxK} are allowed");
        int user = ranking.UserOf(request.User);
        if (user < 0) RequestThrow.NotFound("user", $"user '{request.User}' is not in the ranker's data, so it has no user fields to score with");
        var codes = new int[ids.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            codes[i] = ids[i] is { } id ? ranking.ItemOf(id) : -1;
            if (codes[i] < 0) RequestThrow.Field($"items[{i}]", $"'{ids[i]}' is not an item of the ranker's data");
        }
        var logits = new float[codes.Length];
        ranking.Score(user, codes, logits);
        var calibration = ranking.Calibration;
        var items = new ItemProbability[codes.Length];
        for (int i = 0; i < items.Length; i++) items[i] = new ItemProbability(ids[i], logits[i], calibration.Probability(logits[i]));
        return new PredictResponse(model.Version, System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(calibration.Kind.ToString()), items);
    }
}
