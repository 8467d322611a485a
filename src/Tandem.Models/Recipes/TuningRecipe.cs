using System.Text.Json;

namespace Tandem.Models.Recipes;

/// <summary>What <c>tandem tune</c> searches for this recipe (docs/config.md); training ignores it.</summary>
public sealed record TuningRecipe
{
    /// <summary>
    /// Search keys (dotted config keys; several joined by commas take one value) and their values:
    /// a spec string (<c>"0.02..0.5 log"</c>, <c>"0|1e-5"</c>) or a JSON array of choices. Default
    /// null: <see cref="Tuning.SearchSpace.Default"/>.
    /// </summary>
    public IReadOnlyDictionary<string, JsonElement>? Space { get; init; }
}
