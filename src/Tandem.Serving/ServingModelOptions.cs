using Tandem.Models.Calibration;
using Tandem.Models.Ranking;
using Tandem.Retrieval;

namespace Tandem.Serving;

/// <summary>How <see cref="ServingModel.Build"/> indexes and scores a model.</summary>
public readonly record struct ServingModelOptions
{
    /// <summary>Creates the defaults.</summary>
    public ServingModelOptions() { }
    /// <summary>Factory string of the index built from the item embeddings (<see cref="IndexFactory"/>). Default <c>HNSW32</c>.</summary>
    public string Spec { get; init; } = "HNSW32";
    /// <summary>HNSW candidate-list size per request; 0 uses the index's own. Default 0.</summary>
    public int EfSearch { get; init; }
    /// <summary>
    /// An index to serve instead of building one, owned by the served model from then on. Its ids
    /// are item ids, so it can name only catalogue items whose ids are integers; other ids are
    /// answered as they are, without fields. Default null.
    /// </summary>
    public IVectorIndex? Index { get; init; }
    /// <summary>The model's Platt scaling, for click probabilities; null: none. Default null.</summary>
    public PlattScaling? Calibration { get; init; }
    /// <summary>The ranking stage (a ranker over its data, <see cref="RankerStage.Load"/>): <c>/v1/recommend</c> re-ranks the retrieved candidates with it and <c>/v1/predict</c> answers; null: retrieval only. Default null.</summary>
    public IRankingStage? Ranking { get; init; }
}
