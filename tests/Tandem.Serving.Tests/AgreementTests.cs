namespace Tandem.Serving.Tests;

/// <summary>The service and <c>tandem recommend</c> answer from the same embedded catalogue, index and search rule, so they agree.</summary>
public sealed class AgreementTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    [Theory]
    [InlineData("1")]
    [InlineData("414")]   // a heavy user: 2,698 ratings, most of them excluded from the search
    public async Task TheServiceAndTheCliRecommendTheSameItems(string user)
    {
        var answer = await fixture.Service.PostOkAsync("/v1/recommend", $$"""{ "user": "{{user}}", "k": 10 }""");
        string[] served = [.. answer.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!)];

        var output = new StringWriter();
        var error = new StringWriter();
        int code = Cli.Cli.Run(["recommend", "--model", TrainedModel.Shared.Path, "--user", user, "-k", "10"], output, error);
        Assert.True(code == 0, error.ToString());
        // Table rows "│ rank │ item │ description │ score │": the item column.
        string[] printed = [.. output.ToString().Split('\n')
            .Select(l => l.Split('│', StringSplitOptions.TrimEntries))
            .Where(c => c.Length > 4 && int.TryParse(c[1], out _) && c[2].Length > 0)
            .Select(c => c[2])];
        Assert.Equal(10, served.Length);
        Assert.Equal(served, printed);
    }
}
