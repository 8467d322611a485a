namespace Tandem.Models.Ranking;

/// <summary>One recommendation of a <see cref="TwoStagePipeline"/>.</summary>
/// <param name="Row">The item's catalogue row (-1 outside the catalogue).</param>
/// <param name="Item">The item's key (null outside the catalogue).</param>
/// <param name="RetrievalScore">The retrieval score that made it a candidate.</param>
/// <param name="Logit">The ranker's logit; null when the ranker did not run.</param>
/// <param name="Probability">The ranker's calibrated click probability; null when the ranker did not run.</param>
public readonly record struct RankedItem(int Row, string? Item, float RetrievalScore, float? Logit, double? Probability);

/// <summary>One stage that ran: its name (<c>retrieval</c>, <c>ranker</c>, <c>diversity</c>), the items it produced and its wall time.</summary>
public readonly record struct StageReport(string Name, int Count, double Milliseconds);

/// <summary>The answer of <see cref="TwoStagePipeline.Recommend"/>.</summary>
/// <param name="Items">Best first.</param>
/// <param name="Stages">The stages that ran, in order.</param>
/// <param name="Unscored">Retrieved candidates the ranker could not score (items it does not know), left out.</param>
public sealed record PipelineResult(IReadOnlyList<RankedItem> Items, IReadOnlyList<StageReport> Stages, int Unscored)
{
    /// <summary>Whether the ranker stage ran (the user and some candidate were known to it).</summary>
    public bool Ranked => Stages.Any(s => s.Name == TwoStagePipeline.RankerStage);
}
