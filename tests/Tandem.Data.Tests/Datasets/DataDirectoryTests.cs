using Tandem.Data.Datasets;
using Tandem.Tests;

namespace Tandem.Data.Tests.Datasets;

public class DataDirectoryTests
{
    static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(dir!.FullName, "Tandem.sln"))) dir = dir.Parent;
        return dir.FullName;
    }

    [Fact]
    public void TandemDataIsUsedWhenSetAndTheCheckoutsNeighbourWhenNot()
    {
        string program = AppContext.BaseDirectory;
        string? beside = Path.GetFullPath(Path.Combine(RepositoryRoot(), "..", "shared", "datasets"));
        if (!Directory.Exists(beside)) beside = null; // a machine that has the data elsewhere, under TANDEM_DATA
        string elsewhere = TestData.TempDir();
        // Unset: ../shared/datasets beside the checkout.
        Assert.Equal(beside, DataDirectory.Resolve(null, null, program));
        Assert.Equal(beside, DataDirectory.Resolve(null, "", program));
        // Set: TANDEM_DATA, never null (null once meant "TANDEM_DATA", and fixtures read it as "no data").
        Assert.Equal(elsewhere, DataDirectory.Resolve(null, elsewhere, program));
        // --data-dir wins over both; outside a checkout without TANDEM_DATA only the cache is left.
        string given = TestData.TempDir();
        Assert.Equal(given, DataDirectory.Resolve(given, elsewhere, program));
        string typo = Path.Combine(given, "typo");
        Assert.Equal($"{typo}: data directory not found; pass the folder holding the datasets' folders (ml-latest-small/, …)",
            Assert.Throws<DataException>(() => DataDirectory.Resolve(typo, elsewhere, program)).Message);
        Assert.Null(DataDirectory.Resolve(null, null, Path.GetTempPath()));
    }

    [Fact]
    public void FixturesAndTheCliFindTheSameDatasetWhicheverWayItIsPointedAt()
    {
        // Whether this run has TANDEM_DATA set or not, the fixtures' folder is the library's answer...
        Assert.Equal(DataDirectory.Resolve(null), SharedData.Root);
        // ...and TANDEM_DATA naming that same folder finds ml-latest-small there, as --data-dir does.
        string withVariable = DataDirectory.Resolve(null, SharedData.Root, Path.GetTempPath())!;
        var ml = NamedDataset.Find("ml-latest-small");
        Assert.Equal(Path.Combine(SharedData.Root, "ml-latest-small"), ml.Locate(withVariable));
        Assert.Equal(ml.Locate(SharedData.Root), ml.Locate(withVariable));
    }
}
