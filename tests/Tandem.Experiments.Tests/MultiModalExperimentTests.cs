using Tandem.Data.Datasets;
using Tandem.Data.IO;
using Tandem.Data.Tables;
using Tandem.Experiments;
using Tandem.Data.Splits;
using Tandem.Models.Training;
using Tandem.Tests;

namespace Tandem.Experiments.Tests;

public class MultiModalExperimentTests
{
    static InteractionLog Log()
    {
        string dir = SharedData.Dataset("ml-latest-small");
        using var ratings = new CsvRowReader(Path.Combine(dir, "ratings.csv"));
        using var movies = new ImagePathReader(new CsvRowReader(Path.Combine(dir, "movies.csv")), "movieId", "poster", SharedData.Dataset("ml-latest-small-posters"));
        return InteractionLog.Load(MultiModalExperiment.Schema(), ratings, null, movies);
    }

    [Fact]
    public void ColdMoviesAreHeldOutOfTrainingEntirely()
    {
        var log = Log();
        var (train, warm, cold) = MultiModalExperiment.Split(log, 42, 0.1);
        var items = log.ItemCodes.ToArray();
        var coldItems = cold.Select(r => items[r]).ToHashSet();
        // 9,724 rated movies: 10% is 972.
        Assert.Equal(972, coldItems.Count);
        Assert.DoesNotContain(train, r => coldItems.Contains(items[r]));
        Assert.DoesNotContain(warm, r => coldItems.Contains(items[r]));
        Assert.Equal(log.Count, train.Length + warm.Length + cold.Length);
        // Another seed holds out other movies.
        var other = MultiModalExperiment.Split(log, 43, 0.1).ColdTest.Select(r => items[r]).ToHashSet();
        Assert.True(other.Intersect(coldItems).Count() < 200);
    }

    [Fact]
    public void PostersJoinByMovieId()
    {
        var paths = Log().Items!.Get<TextColumn>("poster").Values;
        Assert.Equal(2947, paths.Count(p => p.Length > 0));
        // movies.csv row 0 is movieId 1 (Toy Story), which has a poster.
        Assert.EndsWith("ml-latest-small-posters/1.jpg", paths[0]);
    }
}
