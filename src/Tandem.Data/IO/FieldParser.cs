using System.Globalization;

namespace Tandem.Data.IO;

/// <summary>Culture-invariant number parsing shared by every reader.</summary>
static class FieldParser
{
    const NumberStyles Style = NumberStyles.Float;

    /// <summary>Parses a finite double; an empty field is <see cref="double.NaN"/> (missing).</summary>
    /// <returns>null on success, else what was expected (for the error message).</returns>
    internal static string? TryNumber(ReadOnlySpan<char> text, out double value)
    {
        text = text.Trim();
        if (text.IsEmpty) { value = double.NaN; return null; }
        if (!double.TryParse(text, Style, CultureInfo.InvariantCulture, out value)) return "a number";
        return double.IsFinite(value) ? null : "a finite number";
    }

    /// <summary>Parses a vector of finite floats separated by spaces, commas or semicolons.</summary>
    internal static string? TryVector(ReadOnlySpan<char> text, Span<float> destination)
    {
        int n = 0;
        foreach (var range in text.SplitAny(" ,;"))
        {
            var part = text[range].Trim();
            if (part.IsEmpty) continue;
            if (n == destination.Length) return $"{destination.Length} numbers";
            if (!float.TryParse(part, Style, CultureInfo.InvariantCulture, out float v)) return $"{destination.Length} numbers";
            if (!float.IsFinite(v)) return "finite numbers";
            destination[n++] = v;
        }
        return n == destination.Length ? null : $"{destination.Length} numbers";
    }
}
