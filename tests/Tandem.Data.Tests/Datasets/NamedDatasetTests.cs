using Tandem.Tests;
using Tandem.Data.Datasets;

namespace Tandem.Data.Tests.Datasets;

public class NamedDatasetTests
{
    [Fact]
    public void AnUnknownNameGivesOneLineListingTheKnownOnes()
    {
        var e = Assert.Throws<DataException>(() => NamedDataset.Find("ml-10k"));
        Assert.Equal("unknown dataset \"ml-10k\"; known datasets: ml-100k, ml-1m, ml-latest-small, ml-latest, ml-20m, ml-25m, criteo, criteo-kaggle, criteo-10k", e.Message);
    }

    [Fact]
    public void NamesAreFoundWhateverTheirCase()
    {
        Assert.Same(NamedDataset.Find("ml-100k"), NamedDataset.Find("ML-100K"));
        Assert.All(NamedDataset.All, d => Assert.Same(d, NamedDataset.Find(d.Name)));
    }

    [Fact]
    public void EveryMovieLensReleaseKnowsItsUrlAndFiles()
    {
        foreach (var d in NamedDataset.All.Where(d => d.Name.StartsWith("ml-", StringComparison.Ordinal)))
        {
            Assert.Equal($"https://files.grouplens.org/datasets/movielens/{d.Name}.zip", d.Source.Url);
            Assert.Equal(["title", "genres"], d.DisplayColumns);
            Assert.NotEmpty(d.Description);
        }
        Assert.Equal(["u.data", "u.item", "u.user"], NamedDataset.Find("ml-100k").Source.Files.Select(f => f.Path));
        Assert.Equal(["ratings.dat", "movies.dat", "users.dat"], NamedDataset.Find("ml-1m").Source.Files.Select(f => f.Path));
        Assert.Equal(["ratings.csv", "movies.csv"], NamedDataset.Find("ml-25m").Source.Files.Select(f => f.Path));
    }

    [Fact]
    public void ADatasetFoundNowhereWithoutADownloadSaysWhereToPutIt()
    {
        // criteo-10k has no download; an empty data folder and no TANDEM_DATA copy leave nowhere to find it.
        string data = TestData.TempDir();
        var criteo = NamedDataset.Find("criteo-10k");
        if (DatasetFetcher.Candidates(criteo.Name, data).Any(d => File.Exists(Path.Combine(d, "criteo_sampled_data_10k.csv"))))
            Assert.Equal(Path.Combine(SharedData.Root, "criteo-10k"), criteo.Locate(data)); // TANDEM_DATA holds it
        else
            Assert.StartsWith($"criteo-10k not found in {Path.Combine(data, "criteo-10k")}, ", Assert.Throws<DataException>(() => criteo.Locate(data)).Message);
    }
}
