using System.Diagnostics.CodeAnalysis;

namespace Tandem.Models.Recipes;

/// <summary>Checks of a recipe's fields; the first failure throws one line naming the source and the field.</summary>
sealed class RecipeErrors(string source)
{
    [DoesNotReturn]
    public void Field(string field, object? value, string fix) =>
        throw new ModelException($"{source}: field '{field}' is {Show(value)}; it {fix}");

    public void Positive(string field, float value)
    {
        if (!(value > 0)) Field(field, value, "must be positive");
    }

    public void AtLeast(string field, int value, int least)
    {
        if (value < least) Field(field, value, $"must be at least {least}");
    }

    public void Fraction(string field, double value)
    {
        if (!(value >= 0 && value < 1)) Field(field, value, "must be in [0, 1), e.g. 0.1");
    }

    static string Show(object? value) => value switch
    {
        null => "missing",
        string s => $"\"{s}\"",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
