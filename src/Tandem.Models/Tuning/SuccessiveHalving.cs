namespace Tandem.Models.Tuning;

/// <summary>One round of successive halving: how many trials train, for at most how many epochs.</summary>
/// <param name="Trials">Trials of the rung.</param>
/// <param name="Epochs">Most epochs each trains (early stopping may end it sooner).</param>
public readonly record struct Rung(int Trials, int Epochs);

/// <summary>
/// The rungs of successive halving (Jamieson and Talwalkar 2016, the schedule inside Hyperband):
/// every trial trains briefly, the best 1/η go on with η times the epochs, and so on up to the
/// most epochs; each rung costs about the same.
/// </summary>
public static class SuccessiveHalving
{
    /// <summary>
    /// The rungs for <paramref name="trials"/> trials and at most <paramref name="maxEpochs"/> epochs:
    /// as many rungs as keep the first at <paramref name="minEpochs"/> epochs or more and the last at
    /// one trial or more; one rung (every trial at the most epochs) when there is no room to halve.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A count is below 1, or η below 2.</exception>
    public static IReadOnlyList<Rung> Rungs(int trials, int maxEpochs, int minEpochs, int eta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trials, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEpochs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(minEpochs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(eta, 2);
        int halvings = 0;
        while (maxEpochs / Math.Pow(eta, halvings + 1) >= minEpochs && trials / Math.Pow(eta, halvings + 1) >= 1) halvings++;
        return [.. Enumerable.Range(0, halvings + 1).Select(i => new Rung(
            Math.Max(1, (int)(trials / Math.Pow(eta, i))),
            Math.Max(1, (int)Math.Round(maxEpochs / Math.Pow(eta, halvings - i)))))];
    }
}
