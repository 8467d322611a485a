using Tandem.Data.Datasets;

namespace Tandem.Data.Tests.Datasets;

/// <summary>What a user sees when an ml-latest-small folder is damaged: one line naming the file, line and column, never a download.</summary>
public class MovieLensFolderTests
{
    const string Ratings = "userId,movieId,rating,timestamp\n1,1,4.0,964982703\n1,3,4.0,964981247\n2,1,5.0,964982224\n2,3,3.5,964983815\n";
    const string Movies = "movieId,title,genres\n1,Toy Story (1995),Adventure|Animation\n3,Grumpier Old Men (1995),Comedy|Romance\n";

    /// <summary>A data folder holding a small but complete ml-latest-small/; returns the data folder and the dataset's folder.</summary>
    static (string Data, string Dir) Folder(string ratings = Ratings, string movies = Movies)
    {
        string data = TestData.TempDir();
        string dir = Path.Combine(data, "ml-latest-small");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "ratings.csv"), ratings);
        File.WriteAllText(Path.Combine(dir, "movies.csv"), movies);
        File.WriteAllText(Path.Combine(dir, "tags.csv"), "userId,movieId,tag,timestamp\n2,3,funny,1445714994\n");
        File.WriteAllText(Path.Combine(dir, "links.csv"), "movieId,imdbId,tmdbId\n1,0114709,862\n");
        return (data, dir);
    }

    /// <summary>Loads the folder with a server that would answer any download, and checks none was asked for.</summary>
    static string Error(string data)
    {
        var server = new FakeServer([]);
        using var http = new HttpClient(server);
        var e = Assert.Throws<DataException>(() => NamedDataset.Find("ml-latest-small").Load(data, http: http));
        Assert.Empty(server.Requests);
        return e.Message;
    }

    [Fact]
    public void IntactFolderLoads()
    {
        var (data, _) = Folder();
        var log = NamedDataset.Find("ml-latest-small").Load(data);
        Assert.Equal(4, log.Count);
        Assert.Equal([4f, 4f, 5f, 3.5f], log.Ratings!);
    }

    [Fact]
    public void MoviesWithoutGenresIsMoviesProblem()
    {
        var (data, dir) = Folder(movies: Movies.Replace("genres", "genre"));
        Assert.Equal($"{Path.Combine(dir, "movies.csv")}: missing column 'genres'; columns found: movieId, title, genre", Error(data));
    }

    [Theory]
    [InlineData("ratings.csv")]
    [InlineData("tags.csv")]
    [InlineData("links.csv")]
    public void MissingFileIsNamedAndNothingIsDownloaded(string file)
    {
        var (data, dir) = Folder();
        File.Delete(Path.Combine(dir, file));
        Assert.Equal($"{Path.Combine(dir, file)}: file not found; ml-latest-small needs ratings.csv, movies.csv, tags.csv, links.csv in {dir}", Error(data));
    }

    [Fact]
    public void DirectoryInPlaceOfAFileIsNamed()
    {
        var (data, dir) = Folder();
        string ratings = Path.Combine(dir, "ratings.csv");
        File.Delete(ratings);
        Directory.CreateDirectory(ratings);
        Assert.Equal($"{ratings}: a directory, not a file; ml-latest-small needs ratings.csv, movies.csv, tags.csv, links.csv in {dir}", Error(data));
    }

    [Theory]
    [InlineData("abc", "a number")]
    [InlineData("NaN", "a finite number")]
    [InlineData("Infinity", "a finite number")]
    [InlineData("-5", "a number of at least 0")]
    public void BadRatingIsNamedWithFileLineAndColumn(string rating, string expected)
    {
        var (data, dir) = Folder(Ratings.Replace("2,3,3.5,", $"2,3,{rating},"));
        Assert.Equal($"{Path.Combine(dir, "ratings.csv")}:5: column 'rating': expected {expected}, found \"{rating}\"", Error(data));
    }

    [Fact]
    public void RenamedRatingColumnIsNamed()
    {
        var (data, dir) = Folder(Ratings.Replace("rating", "score"));
        Assert.Equal($"{Path.Combine(dir, "ratings.csv")}: missing column 'rating'; columns found: userId, movieId, score, timestamp", Error(data));
    }

    [Fact]
    public void BrokenQuoteIsExplainedInPlainWords()
    {
        // Line 3 opens a quote that never closes; the reader runs on to the end of the file.
        var (data, dir) = Folder(Ratings.Replace("1,3,4.0,", "1,\"3,4.0,"));
        Assert.Equal($"{Path.Combine(dir, "ratings.csv")}:3: malformed row: a quote (\") opened on this row is never closed", Error(data));
    }

    [Fact]
    public void BrokenQuoteInALargeFileIsExplainedInPlainWords()
    {
        // Past the reader's 64 K buffer the parser's own message speaks of a MaxBufferSize setting.
        string many = string.Concat(Enumerable.Range(0, 5000).Select(i => $"3,{i},4.0,964982703\n"));
        var (data, dir) = Folder(Ratings.Replace("1,3,4.0,", "1,\"3,4.0,") + many);
        Assert.Equal($"{Path.Combine(dir, "ratings.csv")}:3: malformed row: a quote (\") opened on this row is never closed, or the row is longer than 65,536 characters", Error(data));
    }

    [Fact]
    public void EmptyFileIsExplainedInPlainWords()
    {
        var (data, dir) = Folder(ratings: "");
        Assert.Equal($"{Path.Combine(dir, "ratings.csv")}: the file is empty; expected a header line naming the columns, then one row per record", Error(data));
    }

    [Fact]
    public void HeaderOnlyFileIsExplainedInPlainWords()
    {
        var (data, dir) = Folder(ratings: "userId,movieId,rating,timestamp\n");
        Assert.Equal($"{Path.Combine(dir, "ratings.csv")}: no rows after the header; expected one row per interaction", Error(data));
    }
}
