using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using Tandem.IO;

namespace Tandem.Data.Datasets;

/// <summary>
/// Finds a dataset's folder: first under the given data directory (<c>--data-dir</c>), then under
/// <c>TANDEM_DATA</c>, then in the cache (<c>TANDEM_CACHE</c> or <c>~/.cache/tandem</c>); only then
/// downloads the archive, checks its SHA-256, unpacks it into the cache and checks the files' hashes.
/// Downloads are written with <see cref="AtomicFile"/>, so a cut download leaves no archive behind. Safe from several threads for
/// different datasets; two processes fetching the same dataset at once may both download it.
/// </summary>
public static class DatasetFetcher
{
    /// <summary>The cache folder: <c>TANDEM_CACHE</c>, else <c>~/.cache/tandem</c>.</summary>
    public static string CacheDirectory =>
        Environment.GetEnvironmentVariable("TANDEM_CACHE") is { Length: > 0 } c ? c
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "tandem");

    /// <summary>The folders looked at, in order, before downloading.</summary>
    public static IEnumerable<string> Candidates(string name, string? dataDir)
    {
        if (dataDir is { Length: > 0 }) yield return Path.Combine(dataDir, name);
        if (Environment.GetEnvironmentVariable("TANDEM_DATA") is { Length: > 0 } env) yield return Path.Combine(env, name);
        yield return Path.Combine(CacheDirectory, name);
    }

    /// <summary>
    /// The folder holding <paramref name="info"/>'s files: the first of <see cref="Candidates"/> that
    /// exists, which must then hold every file (a folder with a file missing is an error naming it, never
    /// a reason to look further or download); a download only when no candidate folder exists.
    /// </summary>
    /// <exception cref="DataException">The folder found lacks a file, or there is none and the download failed or its checksum did not match.</exception>
    public static string Locate(DatasetInfo info, string? dataDir = null, HttpClient? http = null, string? cacheDir = null)
    {
        foreach (var dir in Candidates(info.Name, dataDir))
        {
            if (!Directory.Exists(dir)) continue;
            foreach (var (file, _) in info.Files)
            {
                string path = Path.Combine(dir, file);
                if (File.Exists(path)) continue;
                string needs = $"{info.Name} needs {string.Join(", ", info.Files.Select(f => f.Path))} in {dir}";
                if (Directory.Exists(path)) DataThrow.Data($"{path}: a directory, not a file; {needs}");
                DataThrow.FileNotFound(path, needs);
            }
            return dir;
        }
        if (info.Url is null)
            DataThrow.Data($"{info.Name} not found in {string.Join(", ", Candidates(info.Name, dataDir))} and it has no public download; "
                + $"put {string.Join(", ", info.Files.Select(f => f.Path))} in {info.Name}/ under --data-dir or TANDEM_DATA");
        return Download(info, http, cacheDir ?? CacheDirectory, $"{info.Name} is not in {string.Join(", ", Candidates(info.Name, dataDir))}; ");
    }

    /// <summary>Downloads, checks and unpacks <paramref name="info"/> into <paramref name="cacheDir"/>; returns the dataset folder.</summary>
    /// <exception cref="DataException">The dataset has no URL, the download failed, or a checksum did not match.</exception>
    public static string Download(DatasetInfo info, HttpClient? http, string cacheDir) => Download(info, http, cacheDir, "");

    /// <summary><see cref="Download(DatasetInfo, HttpClient?, string)"/>; a failed download's message starts with <paramref name="why"/>.</summary>
    static string Download(DatasetInfo info, HttpClient? http, string cacheDir, string why)
    {
        if (info.Url is null) DataThrow.Data($"{info.Name} has no public download; put it in {info.Name}/ under --data-dir or TANDEM_DATA");
        AtomicFile.RemoveStale(cacheDir); // a download killed half-way
        string archive = Path.Combine(cacheDir, Path.GetFileName(new Uri(info.Url).AbsolutePath));
        string recorded = archive + ".sha256";
        if (!File.Exists(archive))
        {
            bool cacheExisted = Directory.Exists(cacheDir);
            try
            {
                using var client = http is null ? new HttpClient() : null;
                using var response = (http ?? client!).GetAsync(info.Url, HttpCompletionOption.ResponseHeadersRead).GetAwaiter().GetResult();
                response.EnsureSuccessStatusCode();
                AtomicFile.Write(archive, file => response.Content.ReadAsStream().CopyTo(file));
            }
            catch (Exception e)
            {
                // A failed first download leaves no empty cache folder behind.
                if (!cacheExisted && Directory.Exists(cacheDir) && !Directory.EnumerateFileSystemEntries(cacheDir).Any()) Directory.Delete(cacheDir);
                if (e is HttpRequestException or TaskCanceledException)
                    DataThrow.Data($"{why}{info.Url}: download failed ({e.Message}); put the dataset in {Path.Combine("<data-dir>", info.Name)} and pass --data-dir or set TANDEM_DATA");
                throw;
            }
        }
        string actual = Sha256(archive);
        string? expected = info.ArchiveSha256 ?? (File.Exists(recorded) ? File.ReadAllText(recorded).Trim() : null);
        if (expected is not null && !string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase))
            DataThrow.Checksum(archive, expected, actual);
        if (expected is null) AtomicFile.WriteText(recorded, actual + "\n");

        string folder = Path.Combine(cacheDir, info.Name);
        Extract(archive, folder);
        foreach (var (path, sha) in info.Files)
        {
            string file = Path.Combine(folder, path);
            if (!File.Exists(file)) DataThrow.FileNotFound(file, $"the archive {archive} does not hold it");
            if (sha is not null) Verify(file, sha);
        }
        return folder;
    }

    /// <summary>Checks <paramref name="path"/>'s SHA-256 against <paramref name="expected"/> (hex, any case).</summary>
    /// <exception cref="DataException">The hash differs.</exception>
    public static void Verify(string path, string expected)
    {
        string actual = Sha256(path);
        if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase)) DataThrow.Checksum(path, expected.ToLowerInvariant(), actual);
    }

    /// <summary>The lowercase hex SHA-256 of a file.</summary>
    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>
    /// Unpacks into a temporary folder renamed to <paramref name="folder"/> when done; an archive whose
    /// only entry is a folder of that name (MovieLens zips) is unwrapped, one of loose files (Criteo) is not.
    /// </summary>
    static void Extract(string archive, string folder)
    {
        string temp = folder + ".extracting";
        if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        Directory.CreateDirectory(temp);
        if (archive.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
        {
            ZipFile.ExtractToDirectory(archive, temp, overwriteFiles: true);
        }
        else
        {
            using var file = File.OpenRead(archive);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            TarFile.ExtractToDirectory(gzip, temp, overwriteFiles: true);
        }
        string inner = Path.Combine(temp, Path.GetFileName(folder));
        bool wrapped = Directory.Exists(inner) && Directory.EnumerateFileSystemEntries(temp).Count() == 1;
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        Directory.Move(wrapped ? inner : temp, folder);
        if (wrapped) Directory.Delete(temp, recursive: true);
    }
}
