using Tandem.Evaluation.Metrics;

namespace Tandem.Evaluation.Tests.Metrics;

public class LogLossTests
{
    [Fact]
    public void LogLossMatchesHandExample()
    {
        // p = 0.9 for a positive, p = 0.2 for a negative:
        // -(ln 0.9 + ln(1 - 0.2)) / 2 = (0.1053605 + 0.2231436) / 2 = 0.1642520.
        Assert.Equal(0.1642520, LogLoss.Compute([0.9f, 0.2f], [1, 0]), 6);
    }

    [Fact]
    public void ConfidentMistakesAreClipped()
    {
        // p = 0 for a positive is clipped to 1e-7: -ln(1e-7) = 16.1180957.
        Assert.Equal(16.1180957, LogLoss.Compute([0f], [1]), 6);
        // p = 1 for a negative: 1 - p clipped to 1e-7 as well.
        Assert.Equal(16.1180957, LogLoss.Compute([1f], [0]), 6);
        // A perfect prediction costs -ln(1 - 1e-7) = 1.0e-7, not 0.
        Assert.Equal(1e-7, LogLoss.Compute([1f, 0f], [1, 0]), 9);
    }

    [Fact]
    public void BadInputIsRejected()
    {
        Assert.Throws<ArgumentException>("probabilities", () => LogLoss.Compute([1.5f], [1]));
        Assert.Throws<ArgumentException>("probabilities", () => LogLoss.Compute([float.NaN], [1]));
        Assert.Throws<ArgumentException>("labels", () => LogLoss.Compute([0.5f], [2]));
        Assert.Throws<ArgumentException>("labels", () => LogLoss.Compute([], []));
        Assert.Throws<ArgumentException>("labels", () => LogLoss.Compute([0.5f, 0.5f], [1]));
    }
}
