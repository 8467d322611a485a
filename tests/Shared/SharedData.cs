using Tandem.Data.Datasets;

namespace Tandem.Tests;

/// <summary>
/// The shared datasets, found by the rule the CLI and the service use (<see cref="DataDirectory.Resolve"/>):
/// <c>TANDEM_DATA</c> if set, else <c>../shared/datasets</c> beside the checkout. Every fixture reads data through here.
/// </summary>
static class SharedData
{
    /// <summary>The datasets folder.</summary>
    public static string Root => DataDirectory.Resolve(null)
        ?? throw new DirectoryNotFoundException("no datasets folder: set TANDEM_DATA to the shared datasets directory, or put it at ../shared/datasets beside the repository");

    /// <summary>The folder of the dataset called <paramref name="name"/> (e.g. ml-latest-small).</summary>
    public static string Dataset(string name)
    {
        string path = Path.Combine(Root, name);
        if (!Directory.Exists(path)) throw new DirectoryNotFoundException($"{path} is missing; set TANDEM_DATA to the shared datasets directory");
        return path;
    }
}
