using System.Text.Json;
using System.Text.Json.Nodes;
using Tandem.Models.Recipes;

namespace Tandem.Models.Tuning;

/// <summary>
/// What <see cref="Tuner"/> searches: dimensions over any recipe fields, named by their config
/// keys, so a new recipe option is searchable without code (a key of docs/config.md, one line of
/// the config's <c>tuning.space</c> or one <c>--space</c>). Data, split, K, epochs and patience are
/// fixed while tuning: the first two define what is judged, the last two are the search's own.
/// </summary>
public sealed class SearchSpace
{
    SearchSpace(IReadOnlyList<SearchDimension> dimensions) => Dimensions = dimensions;

    /// <summary>The dimensions, in the order values are drawn.</summary>
    public IReadOnlyList<SearchDimension> Dimensions { get; }

    /// <summary>
    /// The space without a <c>tuning.space</c>: temperature, learning rate, weight decay, dropout
    /// and hidden width (both towers alike).
    /// </summary>
    public static SearchSpace Default { get; } = new(
    [
        SearchDimension.Of("task.temperature", SearchDomain.Parse("0.02..0.5 log", "default")),
        SearchDimension.Of("training.learningRate", SearchDomain.Parse("0.0003..0.01 log", "default")),
        SearchDimension.Of("training.weightDecay", SearchDomain.Parse("0|1e-6|1e-5|1e-4", "default")),
        SearchDimension.Of("user.dropout,item.dropout", SearchDomain.Parse("0..0.5", "default")),
        SearchDimension.Of("user.hidden,item.hidden", SearchDomain.Parse("[64]|[128]|[256]", "default")),
    ]);

    /// <summary>The space of <paramref name="recipe"/>: its <c>tuning.space</c>, else <see cref="Default"/>.</summary>
    /// <exception cref="ModelException">A key or spec of <c>tuning.space</c> is bad.</exception>
    public static SearchSpace Of(ModelRecipe recipe, string source = "config") =>
        recipe.Tuning.Space is { } space
            ? new([.. space.Select(e => SearchDimension.Of(e.Key, SearchDomain.Parse(e.Value, $"{source}: field 'tuning.space.{e.Key}'")))])
            : Default;

    /// <summary>This space with <paramref name="dimension"/> added, or replacing the one with its key.</summary>
    public SearchSpace With(SearchDimension dimension)
    {
        var list = Dimensions.ToList();
        int at = list.FindIndex(d => d.Key == dimension.Key);
        if (at >= 0) list[at] = dimension; else list.Add(dimension);
        return new SearchSpace(list);
    }

    /// <summary>One value per dimension, drawn in order from <paramref name="rng"/>.</summary>
    public JsonNode[] Sample(Random rng) => [.. Dimensions.Select(d => d.Domain.Draw(rng))];

    /// <summary><paramref name="recipe"/> with each dimension's fields set to its value in <paramref name="values"/>, checked as a config is.</summary>
    /// <exception cref="ModelException">A value puts a field out of range; the message names it.</exception>
    public ModelRecipe Apply(ModelRecipe recipe, IReadOnlyList<JsonNode> values, string source = "search space")
    {
        var json = JsonNode.Parse(recipe.ToJson())!.AsObject();
        for (int i = 0; i < Dimensions.Count; i++)
            foreach (string field in Dimensions[i].Fields) Parent(json, field, source)[Leaf(field)] = values[i].DeepClone();
        return ModelRecipe.Parse(json.ToJsonString(), source);
    }

    /// <summary>
    /// Checks every key names a field <see cref="Tuner"/> may change and that each domain's extremes
    /// make a valid recipe, so a bad space fails before the first trial.
    /// </summary>
    /// <exception cref="ModelException">One line naming the key and the fix.</exception>
    public void Check(ModelRecipe recipe, string source = "search space")
    {
        CheckKeys(recipe, source);
        foreach (var d in Dimensions)
            foreach (var value in d.Domain.Extremes)
                Apply(recipe, [.. Dimensions.Select(o => o == d ? value : o.Domain.Extremes.First())], $"{source}: key '{d.Key}' = {value.ToJsonString()}");
    }

    /// <summary>Checks every key names a field the tuner may change (values unchecked: a recipe's own validation calls this).</summary>
    internal void CheckKeys(ModelRecipe recipe, string source)
    {
        var json = JsonNode.Parse(recipe.ToJson())!.AsObject();
        foreach (string field in Dimensions.SelectMany(d => d.Fields))
        {
            if (Fixed(field) is { } why) ModelThrow.Config($"{source}: key '{field}' cannot be searched: {why}");
            if (!Parent(json, field, source).ContainsKey(Leaf(field)))
                ModelThrow.Config($"{source}: key '{field}' is not a config key; name one of docs/config.md, e.g. task.temperature or user.dropout,item.dropout");
        }
    }

    static string? Fixed(string field) => field switch
    {
        _ when field.StartsWith("data.", StringComparison.Ordinal) || field.StartsWith("split.", StringComparison.Ordinal) || field == "k" =>
            "the data, split and K define what trials are judged on",
        "training.epochs" => "successive halving sets the epochs (the config's training.epochs is the most)",
        "training.patience" => "the tuner's patience stops every trial",
        _ when field.StartsWith("tuning", StringComparison.Ordinal) => "it is the search itself",
        _ => null,
    };

    static string Leaf(string field) => field[(field.LastIndexOf('.') + 1)..];

    /// <summary>The object holding <paramref name="field"/>'s last part; an unknown or non-object parent is an unknown key.</summary>
    static JsonObject Parent(JsonObject root, string field, string source)
    {
        var node = root;
        string[] parts = field.Split('.');
        foreach (string part in parts[..^1])
            node = node[part] as JsonObject ?? throw new ModelException($"{source}: key '{field}' is not a config key; name one of docs/config.md, e.g. task.temperature");
        return node;
    }

    /// <inheritdoc/>
    public override string ToString() => string.Join(", ", Dimensions);
}
