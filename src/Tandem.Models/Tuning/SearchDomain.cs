using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tandem.Models.Tuning;

/// <summary>
/// The values one search key may take. Written as a spec string (the config's and the command
/// line's form): <c>0.02..0.5 log</c> draws log-uniformly between the bounds, <c>0..0.5</c>
/// uniformly (whole-number bounds such as <c>32..256</c> draw whole numbers), and
/// <c>a|b|c</c> draws one of the values, each read as JSON (<c>[64]|[128]</c>, <c>0|1e-5</c>) or
/// else as a string (<c>mean|attention</c>).
/// </summary>
public abstract record SearchDomain
{
    /// <summary>One value, drawn from <paramref name="rng"/>.</summary>
    public abstract JsonNode Draw(Random rng);

    /// <summary>The values at the domain's edges: each must make a valid recipe, checked before any trial runs.</summary>
    public abstract IEnumerable<JsonNode> Extremes { get; }

    /// <summary>Parses a spec string; <paramref name="where"/> names it in the error.</summary>
    /// <exception cref="ModelException">The spec is not a range or a list of choices.</exception>
    public static SearchDomain Parse(string spec, string where)
    {
        string text = spec.Trim();
        if (text.Length == 0) ModelThrow.Config($"{where} is empty; write a range such as 0.02..0.5 log, or choices such as [64]|[128]");
        int dots = text.IndexOf("..", StringComparison.Ordinal);
        if (dots < 0) return new Choice([.. text.Split('|').Select(v => Value(v.Trim(), where))]);
        string[] tail = text[(dots + 2)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string low = text[..dots].Trim();
        double min = double.NaN, max = double.NaN;
        if (tail.Length is 0 or > 2 || tail.Length == 2 && tail[1] != "log" || !Number(low, out min) || !Number(tail[0], out max))
            ModelThrow.Config($"{where} is '{spec}'; write a range as min..max or min..max log, e.g. 0.02..0.5 log");
        bool log = tail.Length == 2;
        if (!(min < max)) ModelThrow.Config($"{where} is '{spec}'; the range's minimum must be below its maximum");
        if (log && !(min > 0)) ModelThrow.Config($"{where} is '{spec}'; a log range needs a positive minimum (write 0 as a choice: 0|1e-6|1e-5)");
        return new Range(min, max, log, Whole(low) && Whole(tail[0]));
    }

    /// <summary>Parses a config value: a spec string, or a JSON array of choices.</summary>
    /// <exception cref="ModelException">Neither, or an empty array.</exception>
    public static SearchDomain Parse(JsonElement value, string where) => value.ValueKind switch
    {
        JsonValueKind.String => Parse(value.GetString()!, where),
        JsonValueKind.Array when value.GetArrayLength() > 0 => new Choice([.. value.EnumerateArray().Select(v => JsonNode.Parse(v.GetRawText())!)]),
        _ => throw new ModelException($"{where} is {value.GetRawText()}; write a range such as \"0.02..0.5 log\" or a list of choices such as [[64], [128]]"),
    };

    static JsonNode Value(string text, string where)
    {
        if (text.Length == 0) ModelThrow.Config($"{where} has an empty choice; separate values with single bars, e.g. 0|1e-5");
        try { return JsonNode.Parse(text) ?? JsonValue.Create(text); }
        catch (JsonException) { return JsonValue.Create(text); }
    }

    static bool Number(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    static bool Whole(string text) => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _);

    /// <summary>Numbers between <paramref name="Min"/> and <paramref name="Max"/>, uniformly or log-uniformly, rounded to three significant digits (or to whole numbers).</summary>
    public sealed record Range(double Min, double Max, bool Log, bool Integer) : SearchDomain
    {
        /// <inheritdoc/>
        public override JsonNode Draw(Random rng)
        {
            double u = rng.NextDouble();
            double x = Log ? Math.Exp(Math.Log(Min) + u * (Math.Log(Max) - Math.Log(Min))) : Min + u * (Max - Min);
            return Node(x);
        }

        /// <inheritdoc/>
        public override IEnumerable<JsonNode> Extremes => [Node(Min), Node(Max)];

        // Three significant digits keep configs readable; the draw is no finer than what it tests.
        JsonNode Node(double x) => Integer
            ? JsonValue.Create((long)Math.Round(x))
            : JsonValue.Create(x == 0 ? 0 : double.Parse(x.ToString("G3", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));

        /// <inheritdoc/>
        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Min}..{Max}{(Log ? " log" : "")}");
    }

    /// <summary>One of <paramref name="Values"/>, each as likely.</summary>
    public sealed record Choice(IReadOnlyList<JsonNode> Values) : SearchDomain
    {
        /// <inheritdoc/>
        public override JsonNode Draw(Random rng) => Values[rng.Next(Values.Count)].DeepClone();

        /// <inheritdoc/>
        public override IEnumerable<JsonNode> Extremes => Values.Select(v => v.DeepClone());

        /// <inheritdoc/>
        public override string ToString() => string.Join("|", Values.Select(v => v.ToJsonString()));
    }
}
