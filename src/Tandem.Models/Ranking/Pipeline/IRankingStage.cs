using Tandem.Models.Calibration;

namespace Tandem.Models.Ranking;

/// <summary>
/// The second stage of a <see cref="TwoStagePipeline"/>: a click-through-rate model scoring (user,
/// candidate) pairs, by the codes it gives users and items. Must be safe to call from several threads.
/// </summary>
public interface IRankingStage
{
    /// <summary>How logits become click probabilities.</summary>
    Calibrator Calibration { get; }

    /// <summary>The stage's code of user <paramref name="key"/>, or -1 when it cannot rank for them.</summary>
    int UserOf(string key);

    /// <summary>The stage's code of item <paramref name="key"/>, or -1 when it cannot score it.</summary>
    int ItemOf(string key);

    /// <summary>Writes the logit of <paramref name="user"/> with each of <paramref name="items"/> (codes of this stage) to <paramref name="logits"/>.</summary>
    void Score(int user, ReadOnlySpan<int> items, Span<float> logits);
}
