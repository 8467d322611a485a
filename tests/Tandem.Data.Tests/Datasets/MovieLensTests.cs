using Tandem.Data.Datasets;
using Tandem.Data.Schema;
using Tandem.Data.Tables;

namespace Tandem.Data.Tests.Datasets;

public class MovieLensTests
{
    internal static readonly Lazy<InteractionLog> Small = new(() => MovieLens.Load(MovieLensVariant.LatestSmall, dataDir: TestData.Datasets));

    [Fact]
    public void LatestSmallHasTheReadmeCounts()
    {
        var log = Small.Value;
        Assert.Equal(100_836, log.Count);
        Assert.Equal(610, log.UserKeys!.Count);
        Assert.Equal(9_724, log.ItemCodes.ToArray().Distinct().Count());
        Assert.Equal(9_742, log.Items!.Count); // movies.csv lists 18 movies nobody rated
    }

    [Fact]
    public void LatestSmallGenresParseIntoTwentyValues()
    {
        var genres = Small.Value.Items!.Get<BagColumn>("genres");
        Assert.Equal(20, genres.Keys.Count);
        Assert.Contains("(no genres listed)", genres.Keys.Keys.ToArray());
        Assert.Contains("Film-Noir", genres.Keys.Keys.ToArray());
        // movies.csv line 2: 1,Toy Story (1995),Adventure|Animation|Children|Comedy|Fantasy
        Assert.Equal(["Adventure", "Animation", "Children", "Comedy", "Fantasy"], genres.Row(0).ToArray().Select(c => genres.Keys[c]));
    }

    [Fact]
    public void QuotedTitlesKeepTheirCommas()
    {
        var items = Small.Value.Items!;
        var titles = items.Get<TextColumn>("title").Values;
        Assert.Contains("American President, The (1995)", titles);
    }

    [Fact]
    public void LatestSmallFilesMatchTheirKnownHashes()
    {
        var info = MovieLens.Info(MovieLensVariant.LatestSmall);
        Assert.Equal("https://files.grouplens.org/datasets/movielens/ml-latest-small.zip", info.Url);
        string dir = DatasetFetcher.Locate(info, TestData.Datasets);
        foreach (var (path, sha) in info.Files) DatasetFetcher.Verify(Path.Combine(dir, path), sha!);
    }

    [Fact]
    public void Ml1mFormatLoads()
    {
        string dir = Path.Combine(TestData.TempDir(), "ml-1m");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "ratings.dat"), "1::1193::5::978300760\n1::661::3::978302109\n2::1193::4::978298413\n");
        File.WriteAllText(Path.Combine(dir, "movies.dat"), "1193::One Flew Over the Cuckoo's Nest (1975)::Drama\n661::James and the Giant Peach (1996)::Animation|Children's|Musical\n", System.Text.Encoding.Latin1);
        File.WriteAllText(Path.Combine(dir, "users.dat"), "1::F::1::10::48067\n2::M::56::16::70072\n");
        var schema = new SchemaBuilder()
            .Interactions(user: "userId", item: "movieId", timestamp: "timestamp", rating: "rating")
            .Categorical("gender", "gender", Tower.User)
            .MultiCategorical("genres", "genres", Tower.Item)
            .Build();
        var log = MovieLens.Load(MovieLensVariant.Ml1m, schema, Path.GetDirectoryName(dir));
        Assert.Equal(3, log.Count);
        Assert.Equal([5f, 3f, 4f], log.Ratings!);
        Assert.Equal([978300760L, 978302109L, 978298413L], log.Timestamps!);
        var gender = log.Users!.Get<KeyColumn>("gender");
        Assert.Equal(["F", "M"], gender.Keys.Keys.ToArray());
        var genres = log.Items!.Get<BagColumn>("genres");
        Assert.Equal(["Animation", "Children's", "Musical"], genres.Row(1).ToArray().Select(c => genres.Keys[c]));
    }

    [Fact]
    public void Ml100kGenreFlagsBecomeAGenresColumn()
    {
        string dir = Path.Combine(TestData.TempDir(), "ml-100k");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "u.data"), "196\t242\t3\t881250949\n186\t302\t3\t891717742\n");
        // Flags in order unknown, Action, Adventure, Animation, Children's, Comedy, ...: 242 is Comedy, 302 Crime|Film-Noir|Mystery|Thriller.
        File.WriteAllText(Path.Combine(dir, "u.item"),
            "242|Kolya (1996)|24-Jan-1997||http://x|0|0|0|0|0|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n" +
            "302|L.A. Confidential (1997)|01-Jan-1997||http://y|0|0|0|0|0|0|1|0|0|0|1|0|0|1|0|0|1|0|0\n", System.Text.Encoding.Latin1);
        File.WriteAllText(Path.Combine(dir, "u.user"), "196|49|M|writer|55105\n186|39|F|executive|00000\n");
        var log = MovieLens.Load(MovieLensVariant.Ml100k, dataDir: Path.GetDirectoryName(dir));
        Assert.Equal(2, log.Count);
        var genres = log.Items!.Get<BagColumn>("genres");
        Assert.Equal(["Comedy"], genres.Row(0).ToArray().Select(c => genres.Keys[c]));
        Assert.Equal(["Crime", "Film-Noir", "Mystery", "Thriller"], genres.Row(1).ToArray().Select(c => genres.Keys[c]));
    }

    [Fact]
    public void EveryReleaseKnowsItsUrl()
    {
        foreach (var v in Enum.GetValues<MovieLensVariant>())
        {
            var info = MovieLens.Info(v);
            Assert.Equal($"https://files.grouplens.org/datasets/movielens/{info.Name}.zip", info.Url);
        }
    }
}
