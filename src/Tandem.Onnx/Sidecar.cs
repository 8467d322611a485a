using System.Text.Json;
using System.Text.Json.Nodes;
using Onnx;
using Tandem.Data.Encoders;
using Tandem.Data.Schema;
using Tandem.Data.Text;
using Tandem.Models;
using Tandem.Models.Towers;

namespace Tandem.Onnx;

/// <summary>
/// The JSON beside the exported towers: each graph's inputs (name, element type, shape) and, per
/// feature the towers read, the fitted state that turns a raw value into its input (vocabulary,
/// hash buckets, normalisation, quantile edges, timestamp reference, text tokenizer).
/// </summary>
static class Sidecar
{
    /// <summary>The sidecar of <paramref name="model"/> exported as <paramref name="towers"/> (file name and graph, user first).</summary>
    public static string Json(TwoTowerModel model, IReadOnlyList<(string File, ModelProto Graph)> towers)
    {
        var features = new JsonObject();
        foreach (var spec in Specs(model.User).Concat(Specs(model.Item)))
            features[spec.Name] = Feature(model.Features[spec.Name]);
        foreach (var image in model.User.Modules.Concat(model.Item.Modules).OfType<ImageFeature>())
        {
            var o = image.Store.Options;
            features[image.Spec.Name]!["image"] = new JsonObject
            {
                ["size"] = o.Size,
                ["mean"] = new JsonArray(o.Mean.Select(v => (JsonNode)JsonValue.Create(v)).ToArray()),
                ["std"] = new JsonArray(o.Std.Select(v => (JsonNode)JsonValue.Create(v)).ToArray()),
            };
        }
        var root = new JsonObject
        {
            ["format"] = "tandem-onnx",
            ["version"] = 1,
            ["opset"] = OnnxExport.Opset,
            ["itemFeature"] = model.ItemFeature,
            ["towers"] = new JsonObject
            {
                ["user"] = Tower(towers[0].File, towers[0].Graph),
                ["item"] = Tower(towers[1].File, towers[1].Graph),
            },
            ["features"] = features,
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>The features a tower reads (a hierarchy's every level; a timestamp once for all its parts).</summary>
    static IEnumerable<FeatureSpec> Specs(EncoderTower tower) =>
        tower.Modules.SelectMany(m => m is HierarchicalIdEmbedding h ? h.Specs : [m.Spec]);

    static JsonObject Tower(string file, ModelProto model)
    {
        var inputs = new JsonArray();
        foreach (var input in model.Graph.Input)
        {
            var t = input.Type.TensorType;
            inputs.Add(new JsonObject
            {
                ["name"] = input.Name,
                ["type"] = t.ElemType == (int)TensorProto.Types.DataType.Int64 ? "int64" : "float32",
                ["shape"] = new JsonArray(t.Shape.Dim.Select(d => (JsonNode)(d.DimParam is { Length: > 0 } p ? JsonValue.Create(p) : JsonValue.Create(d.DimValue))).ToArray()),
            });
        }
        var output = model.Graph.Output[0];
        return new JsonObject
        {
            ["file"] = file,
            ["inputs"] = inputs,
            ["output"] = output.Name,
            ["dimension"] = output.Type.TensorType.Shape.Dim[1].DimValue,
        };
    }

    static JsonObject Feature(FeatureEncoder encoder)
    {
        var spec = encoder.Spec;
        var o = new JsonObject { ["kind"] = JsonNamingPolicy.SnakeCaseLower.ConvertName(spec.Kind.ToString()), ["tower"] = spec.Tower.ToString().ToLowerInvariant() };
        switch (encoder)
        {
            case CategoricalEncoder c when c.Vocabulary is { } v:
                o["vocabulary"] = Tokens(v);
                if (spec.Kind == FeatureKind.Sequence) o["maxLength"] = spec.MaxLength;
                break;
            case CategoricalEncoder:
                o["hashBuckets"] = spec.HashBuckets;
                break;
            case NumericEncoder n:
                o["transform"] = JsonNamingPolicy.SnakeCaseLower.ConvertName(spec.Transform.ToString());
                o["mean"] = n.Mean;
                o["std"] = n.Std;
                o["min"] = n.Min;
                o["max"] = n.Max;
                if (spec.Transform == NumericTransform.Quantile) o["edges"] = new JsonArray(n.Edges.Select(e => (JsonNode)JsonValue.Create(e)).ToArray());
                break;
            case TimestampEncoder t:
                o["reference"] = t.Reference;
                o["parts"] = spec.Parts.ToString();
                break;
            case TextEncoder { Tokenizer: WordTokenizer w }:
                o["tokenizer"] = "word";
                o["maxLength"] = spec.MaxLength;
                o["words"] = Tokens(w.Words);
                o["charNGrams"] = w.CharNGrams;
                o["buckets"] = w.Buckets;
                break;
            case TextEncoder { Tokenizer: WordPieceTextTokenizer p }:
                o["tokenizer"] = "wordpiece";
                o["maxLength"] = spec.MaxLength;
                o["pieces"] = new JsonArray(p.Pieces.Select(s => (JsonNode)JsonValue.Create(s)).ToArray());
                break;
        }
        return o;
    }

    /// <summary>The vocabulary by id: index 0 (out of vocabulary) is null.</summary>
    static JsonArray Tokens(Vocabulary v)
    {
        var a = new JsonArray();
        for (int id = 0; id < v.Size; id++) a.Add(v.Token(id) is { } t ? JsonValue.Create(t) : null);
        return a;
    }
}
