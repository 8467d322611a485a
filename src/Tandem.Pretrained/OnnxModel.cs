using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Tandem.Pretrained;

/// <summary>
/// An ONNX model run by ONNX Runtime on the CPU, embedding a batch into its first output: a
/// [batch, d] matrix, or [batch, tokens, d] that the caller pools. Runs with one intra-op
/// thread per call so several encoders can share the machine. Thread-safe: ONNX Runtime allows
/// concurrent runs of one session.
/// </summary>
public sealed class OnnxModel : IDisposable
{
    readonly InferenceSession session;

    /// <summary>Loads the model at <paramref name="path"/>.</summary>
    /// <exception cref="PretrainedException">The file is missing or not a loadable ONNX model.</exception>
    public OnnxModel(string path, int threads = 1)
    {
        if (!File.Exists(path)) PretrainedThrow.Input($"{path}: file not found; give the path of an .onnx model");
        try
        {
            session = new InferenceSession(path, new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 });
        }
        catch (OnnxRuntimeException e)
        {
            PretrainedThrow.Input($"{path}: not a loadable ONNX model ({e.Message.Split('\n')[0]})");
            throw;
        }
        Path = path;
        Inputs = session.InputMetadata.Keys.ToArray();
        Output = session.OutputMetadata.Keys.First();
    }

    /// <summary>The model file.</summary>
    public string Path { get; }
    /// <summary>The model's input names, in order.</summary>
    public IReadOnlyList<string> Inputs { get; }
    /// <summary>The output read (the first).</summary>
    public string Output { get; }

    /// <summary>Runs the model on named inputs; returns the first output's values and shape.</summary>
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
            return (tensor.ToArray(), tensor.Dimensions.ToArray());
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
