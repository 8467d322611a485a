using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Tandem.Pretrained;

/// <summary>
/// An ONNX model run by ONNX Runtime on the CPU, embedding a batch into its first output: a
/// [batch, d] matrix (trailing 1×1 dimensions, as a pooling layer leaves them, are flattened), or
/// [batch, tokens, d] that the caller pools. Runs with one intra-op thread per call so several
/// runs can share the machine. Thread-safe: ONNX Runtime allows concurrent runs of one session.
/// </summary>
public sealed class OnnxModel : IDisposable
{
    readonly InferenceSession session;

    /// <summary>Loads the model at <paramref name="path"/>.</summary>
    /// <exception cref="PretrainedException">The file is missing or not a loadable ONNX model.</exception>
    public OnnxModel(string path, int threads = 1)
        : this(Existing(path), o => new InferenceSession(path, o), threads) { }

    /// <summary>Loads a model from its bytes (an embedded resource, say); <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="PretrainedException">The bytes are not a loadable ONNX model.</exception>
    public OnnxModel(byte[] model, string source, int threads = 1)
        : this(source, o => new InferenceSession(model, o), threads) { }

    OnnxModel(string source, Func<SessionOptions, InferenceSession> open, int threads)
    {
        Path = source;
        try
        {
            session = open(new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 });
        }
        catch (OnnxRuntimeException e)
        {
            PretrainedThrow.Input($"{source}: not a loadable ONNX model ({e.Message.Split('\n')[0]})");
            throw;
        }
        Inputs = session.InputMetadata.Keys.ToArray();
        Output = session.OutputMetadata.Keys.First();
        var first = session.InputMetadata[Inputs[0]].Dimensions;
        FixedBatch = first.Length > 0 && first[0] > 0 ? first[0] : 0;
    }

    static string Existing(string path)
    {
        if (!File.Exists(path)) PretrainedThrow.Input($"{path}: file not found; give the path of an .onnx model");
        return path;
    }

    /// <summary>The model file, or what the bytes came from.</summary>
    public string Path { get; }
    /// <summary>The model's input names, in order.</summary>
    public IReadOnlyList<string> Inputs { get; }
    /// <summary>The output read (the first).</summary>
    public string Output { get; }
    /// <summary>The batch size the first input is fixed to (1 for ResNet18's export), or 0 when the batch is free.</summary>
    public int FixedBatch { get; }

    /// <summary>The declared dimensions of input <paramref name="name"/> (-1 where free).</summary>
    public int[] InputShape(string name) => session.InputMetadata[name].Dimensions;

    /// <summary>Runs the model on named inputs; returns the first output's values and shape, trailing 1s of a rank > 2 output dropped.</summary>
    /// <exception cref="PretrainedException">An input the model needs is not given, or the run fails.</exception>
    public (float[] Values, int[] Shape) Run(IReadOnlyDictionary<string, (Array Values, int[] Shape)> inputs)
    {
        var values = new List<NamedOnnxValue>();
        foreach (var name in Inputs)
        {
            if (!inputs.TryGetValue(name, out var input))
                PretrainedThrow.Input($"{Path}: the model needs input '{name}', which this encoder does not provide (it gives {string.Join(", ", inputs.Keys)})");
            values.Add(input.Values switch
            {
                float[] f => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<float>(f, input.Shape)),
                long[] l => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<long>(l, input.Shape)),
                _ => throw new ArgumentException($"Input '{name}' must be float or long values.", nameof(inputs)),
            });
        }
        try
        {
            using var results = session.Run(values, [Output]);
            var tensor = results[0].AsTensor<float>();
            var shape = tensor.Dimensions.ToArray();
            int rank = shape.Length;
            while (rank > 2 && shape[rank - 1] == 1) rank--; // [b, d, 1, 1] from a global pooling is [b, d]
            return (tensor.ToArray(), shape[..rank]);
        }
        catch (OnnxRuntimeException e)
        {
            PretrainedThrow.Input($"{Path}: the model failed to run ({e.Message.Split('\n')[0]})");
            throw;
        }
    }

    /// <summary>Releases the session.</summary>
    public void Dispose() => session.Dispose();
}
