using Tandem.IO;
using Tandem.Tensors;
using Tandem.Tensors.Autograd;

namespace Tandem.Models.Persistence;

/// <summary>
/// Parameters and buffers as tensor sections named <c>{prefix}{name}</c> (by default
/// <c>param/{name}</c> and <c>buffer/{name}</c>): the shared way model and checkpoint files store
/// a model's values.
/// </summary>
public static class ParameterSections
{
    /// <summary>The default prefix of parameter sections.</summary>
    public const string ParameterPrefix = "param/";

    /// <summary>The default prefix of buffer sections.</summary>
    public const string BufferPrefix = "buffer/";

    /// <summary>Adds one tensor section per parameter.</summary>
    public static void Write(TandemFileWriter writer, IEnumerable<Parameter> parameters, string prefix = ParameterPrefix)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        WriteTensors(writer, parameters.Select(p => (p.Name, p.Value)), prefix);
    }

    /// <summary>Adds one tensor section per buffer.</summary>
    public static void Write(TandemFileWriter writer, IEnumerable<StateBuffer> buffers, string prefix = BufferPrefix)
    {
        ArgumentNullException.ThrowIfNull(buffers);
        WriteTensors(writer, buffers.Select(b => (b.Name, b.Value)), prefix);
    }

    /// <summary>
    /// Copies the saved values into <paramref name="parameters"/> by name. Every parameter must be in
    /// the file with its shape, and the file must hold no other <paramref name="prefix"/> section,
    /// so a model and a file of different architectures never half-load: all names and shapes are
    /// checked before any value is overwritten.
    /// </summary>
    /// <exception cref="TandemFileException">A parameter is missing, has another shape, or the file has one the model lacks.</exception>
    public static void Read(TandemFileReader reader, IEnumerable<Parameter> parameters, string prefix = ParameterPrefix)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ReadChecked(reader, Check(reader, parameters.Select(p => (p.Name, p.Value)), prefix, "parameter", "the model"), prefix);
    }

    /// <summary>As for parameters: copies the saved values into <paramref name="buffers"/> by name, every name and shape checked first.</summary>
    /// <exception cref="TandemFileException">A buffer is missing, has another shape, or the file has one the model lacks.</exception>
    public static void Read(TandemFileReader reader, IEnumerable<StateBuffer> buffers, string prefix = BufferPrefix)
    {
        ArgumentNullException.ThrowIfNull(buffers);
        ReadChecked(reader, Check(reader, buffers.Select(b => (b.Name, b.Value)), prefix, "buffer", "the model"), prefix);
    }

    internal static void WriteTensors(TandemFileWriter writer, IEnumerable<(string Name, Tensor Value)> tensors, string prefix)
    {
        ArgumentNullException.ThrowIfNull(writer);
        foreach (var (name, value) in tensors) writer.AddTensor(prefix + name, value);
    }

    /// <summary>Reads tensors that <see cref="Check"/> has accepted.</summary>
    internal static void ReadChecked(TandemFileReader reader, IEnumerable<(string Name, Tensor Value)> checkedTensors, string prefix)
    {
        foreach (var (name, value) in checkedTensors) reader.ReadTensorInto(prefix + name, value);
    }

    /// <summary>
    /// Checks that the file's <paramref name="prefix"/> sections are exactly <paramref name="tensors"/>, with
    /// their shapes; <paramref name="what"/> and <paramref name="owner"/> word the errors.
    /// </summary>
    internal static List<(string Name, Tensor Value)> Check(TandemFileReader reader, IEnumerable<(string Name, Tensor Value)> tensors,
        string prefix, string what, string owner)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(tensors);
        var list = tensors.ToList();
        var expected = list.Select(t => prefix + t.Name).ToHashSet();
        foreach (var section in reader.Sections)
            if (section.Name.StartsWith(prefix, StringComparison.Ordinal) && !expected.Contains(section.Name))
                FileThrow.Mismatch(reader.Path, $"{what} '{section.Name[prefix.Length..]}' is in the file but not in {owner}");
        foreach (var (name, value) in list)
        {
            if (!reader.Contains(prefix + name))
                FileThrow.Mismatch(reader.Path, $"{what} '{name}' of {owner} is not in the file");
            int[] shape = reader.ReadTensorShape(prefix + name);
            if (!value.Shape.SequenceEqual(shape))
                FileThrow.Mismatch(reader.Path, $"{what} '{name}' has shape {FileThrow.Shape(shape)} in the file but {FileThrow.Shape(value.Shape)} in {owner}");
        }
        return list;
    }
}
