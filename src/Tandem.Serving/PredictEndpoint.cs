using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tandem.Serving.Api;

namespace Tandem.Serving;

/// <summary><c>POST /v1/predict</c>: the served ranker's calibrated click probabilities for a user and up to 1000 items.</summary>
static class PredictEndpoint
{
    /// <summary>The route.</summary>
    public const string Path = "/v1/predict";

    /// <summary>Maps the endpoint on <paramref name="app"/>, answering under a lease on <paramref name="holder"/>'s model.</summary>
    public static void Map(IEndpointRouteBuilder app, JsonEndpoint api, ModelHolder holder)
    {
        var json = ApiJson.Api;
        var handler = api.For(json.PredictRequest, json.PredictResponse, holder, (r, m) => ValueTask.FromResult(RankedRecommender.Predict(r, m)));
        app.MapPost(Path, (Delegate)((HttpContext context) => handler(context)))
            .Accepts<PredictRequest>("application/json").Produces<PredictResponse>().ProducesProblem(400).ProducesProblem(404);
    }
}
