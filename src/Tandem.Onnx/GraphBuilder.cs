using Google.Protobuf;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Tandem.Onnx;

/// <summary>
/// Builds one ONNX graph: named inputs (declared once however many modules read them),
/// initializers, nodes with generated output names, and the outputs. Not thread-safe.
/// </summary>
sealed class GraphBuilder
{
    readonly GraphProto graph = new();
    readonly Dictionary<string, (DataType Type, object[] Dims)> inputs = new(StringComparer.Ordinal);
    int next;

    /// <summary>The graph built so far.</summary>
    public GraphProto Graph => graph;

    /// <summary>
    /// The graph input <paramref name="name"/> of <paramref name="type"/>, each dimension a fixed
    /// size (int) or a named symbolic one (string); declaring it again with the same type and shape returns it.
    /// </summary>
    public string Input(string name, DataType type, params object[] dims)
    {
        if (inputs.TryGetValue(name, out var seen))
        {
            if (seen.Type != type || !seen.Dims.SequenceEqual(dims))
                throw new InvalidOperationException($"Input '{name}' is declared twice with different types or shapes.");
            return name;
        }
        inputs[name] = (type, dims);
        graph.Input.Add(Value(name, type, dims));
        return name;
    }

    /// <summary>Makes <paramref name="from"/> the graph output <paramref name="name"/> of <paramref name="type"/> and shape <paramref name="dims"/>.</summary>
    public void Output(string name, string from, DataType type, params object[] dims)
    {
        graph.Node.Add(new NodeProto { OpType = "Identity", Name = name, Input = { from }, Output = { name } });
        graph.Output.Add(Value(name, type, dims));
    }

    /// <summary>A float initializer named <paramref name="name"/> (e.g. a parameter's name) of shape <paramref name="dims"/>.</summary>
    public string Floats(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)DataType.Float, RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values)) };
        tensor.Dims.AddRange(dims);
        graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>A float scalar constant.</summary>
    public string Scalar(float value) => Floats(Fresh("scalar"), [value]);

    /// <summary>A 1-D int64 constant (axes, shapes, bounds).</summary>
    public string Longs(params long[] values)
    {
        var tensor = new TensorProto { Name = Fresh("longs"), DataType = (int)DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.AddRange(values);
        graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>An int64 scalar constant.</summary>
    public string Long(long value)
    {
        var tensor = new TensorProto { Name = Fresh("long"), DataType = (int)DataType.Int64 };
        tensor.Int64Data.Add(value);
        graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>A node of <paramref name="op"/> over <paramref name="inputs"/>; returns its (only) output's name.</summary>
    public string Node(string op, string[] inputs, params AttributeProto[] attributes)
    {
        string output = Fresh(op);
        var node = new NodeProto { OpType = op, Name = output, Output = { output } };
        node.Input.AddRange(inputs);
        node.Attribute.AddRange(attributes);
        graph.Node.Add(node);
        return output;
    }

    /// <summary>
    /// A node of <paramref name="op"/> of which only output number <paramref name="output"/> is used (e.g. a
    /// GRU's last state); the earlier optional outputs are left unnamed. Returns that output's name.
    /// </summary>
    public string Node(string op, string[] inputs, int output, params AttributeProto[] attributes)
    {
        string name = Node(op, inputs, attributes);
        var node = graph.Node[^1];
        node.Output.Clear();
        for (int i = 0; i < output; i++) node.Output.Add("");
        node.Output.Add(name);
        return name;
    }

    /// <summary>An int attribute.</summary>
    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>An ints attribute.</summary>
    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    /// <summary>A float scalar tensor attribute (e.g. ConstantOfShape's value).</summary>
    public static AttributeProto Tensor(string name, float value)
    {
        var t = new TensorProto { DataType = (int)DataType.Float };
        t.Dims.Add(1);
        t.FloatData.Add(value);
        return new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = t };
    }

    /// <summary>A float attribute.</summary>
    public static AttributeProto Float(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    string Fresh(string prefix) => $"{prefix}_{next++}";

    static ValueInfoProto Value(string name, DataType type, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
            shape.Dim.Add(d is string s ? new TensorShapeProto.Types.Dimension { DimParam = s } : new TensorShapeProto.Types.Dimension { DimValue = (int)d });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } } };
    }
}
