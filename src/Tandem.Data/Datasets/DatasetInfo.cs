namespace Tandem.Data.Datasets;

/// <summary>
/// Where a public dataset comes from and how to check it.
/// </summary>
/// <param name="Name">Folder name under a data directory or the cache, e.g. <c>ml-latest-small</c>.</param>
/// <param name="Url">Canonical download URL of the archive (.zip or .tar.gz); null for a dataset with no public download, found only locally.</param>
/// <param name="ArchiveSha256">SHA-256 of the archive when published and verified; null to record it on first download and check it on later ones.</param>
/// <param name="Files">Files the dataset folder must hold, each with its SHA-256 if known (null: presence only).</param>
public sealed record DatasetInfo(string Name, string? Url, string? ArchiveSha256, IReadOnlyList<(string Path, string? Sha256)> Files);
