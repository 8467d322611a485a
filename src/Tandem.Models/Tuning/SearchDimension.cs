namespace Tandem.Models.Tuning;

/// <summary>
/// One axis of a <see cref="SearchSpace"/>: a key naming one recipe field as a dotted path
/// (<c>task.temperature</c>), or several joined by commas that always take the same value
/// (<c>user.dropout,item.dropout</c>), and the values it may take.
/// </summary>
/// <param name="Key">The key as written.</param>
/// <param name="Fields">The dotted recipe paths it sets.</param>
/// <param name="Domain">Its values.</param>
public sealed record SearchDimension(string Key, IReadOnlyList<string> Fields, SearchDomain Domain)
{
    /// <summary>Parses <c>key=spec</c> (the command line's form, e.g. <c>task.temperature=0.02..0.5 log</c>).</summary>
    /// <exception cref="ModelException">No '=' or a bad spec; the message quotes it.</exception>
    public static SearchDimension Parse(string assignment)
    {
        int eq = assignment.IndexOf('=');
        if (eq <= 0) ModelThrow.Config($"--space '{assignment}': write key=values, e.g. \"task.temperature=0.02..0.5 log\" or \"user.hidden,item.hidden=[64]|[128]\"");
        string key = assignment[..eq].Trim();
        return Of(key, SearchDomain.Parse(assignment[(eq + 1)..], $"--space '{assignment}'"));
    }

    /// <summary>The dimension of <paramref name="key"/> over <paramref name="domain"/>.</summary>
    public static SearchDimension Of(string key, SearchDomain domain) =>
        new(key, [.. key.Split(',', StringSplitOptions.TrimEntries)], domain);

    /// <inheritdoc/>
    public override string ToString() => $"{Key}={Domain}";
}
