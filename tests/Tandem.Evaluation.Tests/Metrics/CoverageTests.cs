using Tandem.Evaluation.Metrics;

namespace Tandem.Evaluation.Tests.Metrics;

public class CoverageTests
{
    [Fact]
    public void CoverageMatchesHandExample()
    {
        // Top-2 lists [0, 1], [1, 2], [1, 3] over a catalogue of 10: distinct {0, 1, 2, 3} -> 4 / 10 = 0.4.
        Assert.Equal(0.4, Coverage.Of([0, 1, 1, 2, 1, 3], 10), 12);
    }

    [Fact]
    public void PaddingIsIgnoredAndForeignIdsThrow()
    {
        // A short list padded with -1 covers 1 of 4 items.
        Assert.Equal(0.25, Coverage.Of([2, -1], 4));
        Assert.Equal(0.0, Coverage.Of([], 4));
        var error = Assert.Throws<ArgumentException>("recommended", () => Coverage.Of([0, 4], 4));
        Assert.Contains("recommended[1] is item 4", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>("catalogueSize", () => Coverage.Of([0], 0));
    }
}
