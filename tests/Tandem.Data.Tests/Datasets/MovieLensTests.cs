using Tandem.Tests;
using System.Text;
using Tandem.Data.Datasets;
using Tandem.Data.Schema;
using Tandem.Data.Tables;

namespace Tandem.Data.Tests.Datasets;

public class MovieLensTests
{
    internal static readonly Lazy<InteractionLog> Small = new(() => NamedDataset.Find("ml-latest-small").Load(SharedData.Root));

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
    public void LatestSmallDefaultSchemaNamesItsFilesAndDisplayColumns()
    {
        var ml = NamedDataset.Find("ml-latest-small");
        var schema = ml.Schema(SharedData.Root);
        string dir = Path.Combine(SharedData.Root, "ml-latest-small");
        Assert.Equal(Path.Combine(dir, "ratings.csv"), schema.Files.Interactions!.Path);
        Assert.Equal(Path.Combine(dir, "movies.csv"), schema.Files.Items!.Path);
        Assert.Null(schema.Files.Users);
        Assert.Equal(["user", "item", "genres", "title", "time", "history"], schema.Features.Select(f => f.Name));
        Assert.Equal(["title", "genres"], ml.DisplayColumns);
        Assert.Equal(schema.Features, ml.DefaultSchema().Features);
        Assert.Null(ml.DefaultSchema().Files.Interactions);
        // The schema's own files read the same log as the dataset's Load.
        var log = InteractionLog.Load(schema);
        Assert.Equal(Small.Value.Count, log.Count);
        Assert.Equal(Small.Value.Ratings!, log.Ratings!);
    }

    [Fact]
    public void LatestSmallFilesMatchTheirKnownHashes()
    {
        var info = NamedDataset.Find("ml-latest-small").Source;
        Assert.Equal("https://files.grouplens.org/datasets/movielens/ml-latest-small.zip", info.Url);
        string dir = DatasetFetcher.Locate(info, SharedData.Root);
        foreach (var (path, sha) in info.Files) DatasetFetcher.Verify(Path.Combine(dir, path), sha!);
    }

    /// <summary>A data folder holding ml-1m/ in the release's format: <c>::</c>-separated, no headers, Latin-1 titles.</summary>
    static string Ml1mFolder()
    {
        string data = TestData.TempDir();
        string dir = Path.Combine(data, "ml-1m");
        Directory.CreateDirectory(dir);
        // The first lines of each file as released (movies.dat line 3045 holds the é of "Café").
        File.WriteAllText(Path.Combine(dir, "ratings.dat"), "1::1193::5::978300760\n1::661::3::978302109\n2::1193::4::978298413\n2::3022::3::978299620\n");
        File.WriteAllText(Path.Combine(dir, "movies.dat"),
            "1193::One Flew Over the Cuckoo's Nest (1975)::Drama\n661::James and the Giant Peach (1996)::Animation|Children's|Musical\n3022::Le Café (1999)::Comedy\n", Encoding.Latin1);
        File.WriteAllText(Path.Combine(dir, "users.dat"), "1::F::1::10::48067\n2::M::56::16::70072\n");
        return data;
    }

    [Fact]
    public void Ml1mLoadsWithUserFeaturesFromALocalFolder()
    {
        string data = Ml1mFolder();
        var server = new FakeServer([]);
        using var http = new HttpClient(server);
        var ml = NamedDataset.Find("ml-1m");
        var log = ml.Load(data, http: http);
        Assert.Empty(server.Requests);
        Assert.Equal(4, log.Count);
        Assert.Equal([5f, 3f, 4f, 3f], log.Ratings!);
        Assert.Equal([978300760L, 978302109L, 978298413L, 978299620L], log.Timestamps!);
        var users = log.Users!;
        Assert.Equal(["F", "M"], users.Get<KeyColumn>("gender").Keys.Keys.ToArray());
        Assert.Equal(["1", "56"], users.Get<KeyColumn>("age").Keys.Keys.ToArray());
        Assert.Equal(["10", "16"], users.Get<KeyColumn>("occupation").Keys.Keys.ToArray());
        var genres = log.Items!.Get<BagColumn>("genres");
        Assert.Equal(["Animation", "Children's", "Musical"], genres.Row(1).ToArray().Select(c => genres.Keys[c]));
        Assert.Equal("Le Café (1999)", log.Items!.Get<TextColumn>("title").Values[2]);
        Assert.Equal(["user", "item", "genres", "title", "time", "history", "gender", "age", "occupation", "zip"], log.Schema.Features.Select(f => f.Name));
        Assert.Equal(Tower.User, log.Schema["zip"].Tower);
    }

    [Theory]
    [InlineData("ml-1m")]
    [InlineData("ml-100k")]
    public void DefaultSchemaEncodesEachInteractionsUserFeatures(string name)
    {
        var schema = NamedDataset.Find(name).Schema(name == "ml-1m" ? Ml1mFolder() : Ml100kFolder());
        var log = InteractionLog.Load(schema);
        var rows = Enumerable.Range(0, log.Count).ToArray();
        var data = Tandem.Data.Encoders.FittedFeatures.Fit(log, rows).Encode(log, rows);
        using var batcher = new Tandem.Data.Batching.Batcher(data, rows, new() { BatchSize = log.Count });
        var batch = batcher.Epoch(0).Single();
        Assert.Equal(log.Count, batch.Count);
        var userRow = log.RowMap(log.Users!)!;
        // Two interactions get the same id exactly when their users' rows hold the same value.
        foreach (string feature in new[] { "gender", "occupation" })
        {
            var ids = batch[feature].Ids;
            var column = log.Users!.Get<KeyColumn>(feature);
            string Value(int a) => column.Keys[column.Codes[userRow[batch.Rows[a]]]];
            for (int a = 0; a < batch.Count; a++)
                for (int b = 0; b < batch.Count; b++)
                    Assert.Equal(Value(a) == Value(b), ids[a] == ids[b]);
        }
    }

    /// <summary>A data folder holding ml-100k/ in the release's format: tab-separated u.data, pipe-separated Latin-1 u.item with 19 genre flags, u.user.</summary>
    static string Ml100kFolder()
    {
        string data = TestData.TempDir();
        string dir = Path.Combine(data, "ml-100k");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "u.data"), "196\t242\t3\t881250949\n186\t302\t3\t891717742\n22\t377\t1\t878887116\n");
        // Flags in order unknown, Action, Adventure, Animation, Children's, Comedy, Crime, Documentary, Drama, Fantasy,
        // Film-Noir, Horror, Musical, Mystery, Romance, Sci-Fi, Thriller, War, Western:
        // 242 is Comedy; 302 Crime|Film-Noir|Mystery|Thriller; 377 Children's|Comedy.
        File.WriteAllText(Path.Combine(dir, "u.item"),
            "242|Kolya (1996)|24-Jan-1997||http://us.imdb.com/M/title-exact?Kolya%20(1996)|0|0|0|0|0|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n" +
            "302|L.A. Confidential (1997)|01-Jan-1997||http://us.imdb.com/M/title-exact?L%2EA%2E+Confidential+(1997)|0|0|0|0|0|0|1|0|0|0|1|0|0|1|0|0|1|0|0\n" +
            "377|Heavyweights (1994)|01-Jan-1994||http://us.imdb.com/M/title-exact?Heavyweights%20(1994)|0|0|0|0|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n" +
            "1300|'Til There Was You (1997)|30-May-1997||http://us.imdb.com/M/title-exact?'Til%20There%20Was%20You%20(1997)|0|0|0|0|0|0|0|0|1|0|0|0|0|0|1|0|0|0|0\n" +
            "1533|Á köldum klaka (Cold Fever) (1994)|08-Mar-1996||http://us.imdb.com/M/title-exact?Cold%20Fever%20(1994)|0|0|0|0|0|1|0|0|1|0|0|0|0|0|0|0|0|0|0\n",
            Encoding.Latin1);
        File.WriteAllText(Path.Combine(dir, "u.user"), "22|25|M|writer|40206\n186|39|F|executive|00000\n196|49|M|writer|55105\n");
        return data;
    }

    [Fact]
    public void Ml100kGenreFlagsBecomeAGenresColumnAndUsersHaveTheirFeatures()
    {
        var log = NamedDataset.Find("ml-100k").Load(Ml100kFolder());
        Assert.Equal(3, log.Count);
        Assert.Equal([3f, 3f, 1f], log.Ratings!);
        var items = log.Items!;
        Assert.Equal(5, items.Count);
        var genres = items.Get<BagColumn>("genres");
        Assert.Equal(["Comedy"], genres.Row(0).ToArray().Select(c => genres.Keys[c]));
        Assert.Equal(["Crime", "Film-Noir", "Mystery", "Thriller"], genres.Row(1).ToArray().Select(c => genres.Keys[c]));
        Assert.Equal(["Children's", "Comedy"], genres.Row(2).ToArray().Select(c => genres.Keys[c]));
        Assert.Equal("Á köldum klaka (Cold Fever) (1994)", items.Get<TextColumn>("title").Values[4]);
        var users = log.Users!;
        Assert.Equal([25.0, 39.0, 49.0], users.Get<NumberColumn>("age").Values.ToArray());
        var occupation = users.Get<KeyColumn>("occupation");
        Assert.Equal(["writer", "executive", "writer"], occupation.Codes.ToArray().Select(c => occupation.Keys[c]));
        var zip = users.Get<KeyColumn>("zip");
        Assert.Equal("00000", zip.Keys[zip.Codes[1]]); // kept as text: leading zeros survive
        // Users are keyed by the ratings' user column: the ratings are by 196, 186 and 22, rows 2, 1 and 0 of u.user.
        Assert.Equal([2, 1, 0], log.RowMap(users)!);
    }
}
