using Tandem.Data.Tables;

namespace Tandem.Data.Tests.Tables;

public class KeyDictionaryTests
{
    [Fact]
    public void CodesFollowFirstSeenOrderAcrossNumericAndTextKeys()
    {
        var keys = new KeyDictionary();
        string[] input = ["42", "abc", "7", "007", "0", "", "42", "-1", "7", "123456789012345678", "1234567890123456789", "abc"];
        int[] codes = input.Select(k => keys.Intern(k)).ToArray();
        // "007", "-1" and the 19-digit key are not canonical numbers and take the text path; none collides with "7" or "1".
        Assert.Equal([0, 1, 2, 3, 4, 5, 0, 6, 2, 7, 8, 1], codes);
        Assert.Equal(["42", "abc", "7", "007", "0", "", "-1", "123456789012345678", "1234567890123456789"], keys.Keys.ToArray());
        Assert.Equal(3, keys.CodeOf("007"));
        Assert.Equal(2, keys.CodeOf("7"));
        Assert.Equal(-1, keys.CodeOf("8"));
        Assert.Equal(-1, keys.CodeOf("xyz"));
    }

    [Fact]
    public void ManyKeysSurviveGrowthAgainstADictionaryReference()
    {
        var keys = new KeyDictionary();
        var reference = new Dictionary<string, int>();
        var random = new Random(5);
        for (int i = 0; i < 200_000; i++)
        {
            // Half numeric ids, half hex strings like Criteo's, with repeats.
            string key = random.Next(2) == 0 ? random.Next(50_000).ToString() : random.Next(50_000).ToString("x8");
            if (!reference.TryGetValue(key, out int expected)) reference[key] = expected = reference.Count;
            Assert.Equal(expected, keys.Intern(key));
        }
        Assert.Equal(reference.Count, keys.Count);
        foreach (var (key, code) in reference) Assert.Equal(code, keys.CodeOf(key));
    }
}
