using Microsoft.Extensions.Options;

namespace Tandem.Serving;

/// <summary>
/// Checks <see cref="TandemOptions"/> when the host starts, so a missing or invalid setting stops
/// it before it listens; each failure names the configuration key (<c>Tandem:ModelPath</c>) and the fix.
/// </summary>
sealed class TandemOptionsValidator : IValidateOptions<TandemOptions>
{
    public ValidateOptionsResult Validate(string? name, TandemOptions options)
    {
        var failures = new List<string>();
        void Fail(string key, string message) => failures.Add($"{TandemOptions.Section}:{key} {message}");

        if (string.IsNullOrWhiteSpace(options.ModelPath)) Fail(nameof(options.ModelPath), "is missing; set it to the model file to serve (tandem train writes model.tandem)");
        else if (!File.Exists(options.ModelPath)) Fail(nameof(options.ModelPath), $"'{options.ModelPath}': file not found");
        if (options.IndexPath is { } index && !File.Exists(index)) Fail(nameof(options.IndexPath), $"'{index}': file not found");
        if (string.IsNullOrWhiteSpace(options.IndexSpec)) Fail(nameof(options.IndexSpec), "is empty; give a factory string such as HNSW32 or Flat");
        if (options.EfSearch < 0) Fail(nameof(options.EfSearch), $"is {options.EfSearch}; it must be 0 (the index's own) or more");
        if (options.MaxBodyBytes < 1) Fail(nameof(options.MaxBodyBytes), $"is {options.MaxBodyBytes}; it must be at least 1 byte");
        if (options.CacheCapacity < 1) Fail(nameof(options.CacheCapacity), $"is {options.CacheCapacity}; it must be at least 1");
        if (options.CacheBytes < 1) Fail(nameof(options.CacheBytes), $"is {options.CacheBytes}; it must be at least 1 byte");
        if (options.CacheTtl <= TimeSpan.Zero) Fail(nameof(options.CacheTtl), $"is {options.CacheTtl}; it must be positive (e.g. 00:10:00)");
        if (options.ModelDirectory is { } models && !Directory.Exists(models)) Fail(nameof(options.ModelDirectory), $"'{models}': directory not found");
        if (options.WatchDirectory is { } watch && !Directory.Exists(watch)) Fail(nameof(options.WatchDirectory), $"'{watch}': directory not found");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
