using Tandem.IO;
using Tandem.Tensors;
using Tandem.Tensors.Autograd;

namespace Tandem.Models.Persistence;

/// <summary>
/// Parameters as tensor sections named <c>{prefix}{parameter.Name}</c>: the shared way model and
/// checkpoint files store weights.
/// </summary>
public static class ParameterSections
{
    /// <summary>Adds one tensor section per parameter.</summary>
    public static void Write(TandemFileWriter writer, IEnumerable<Parameter> parameters, string prefix = "param/")
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(parameters);
        foreach (var p in parameters) writer.AddTensor(prefix + p.Name, p.Value);
    }

    /// <summary>
    /// Copies the saved values into <paramref name="parameters"/> by name. Every parameter must be in
    /// the file with its shape, and the file must hold no other <paramref name="prefix"/> section,
    /// so a model and a file of different architectures never half-load: all names and shapes are
    /// checked before any value is overwritten.
    /// </summary>
    /// <exception cref="TandemFileException">A parameter is missing, has another shape, or the file has one the model lacks.</exception>
    public static void Read(TandemFileReader reader, IEnumerable<Parameter> parameters, string prefix = "param/")
    {
        var list = Check(reader, parameters.Select(p => (p.Name, p.Value)), prefix, "parameter", "the model");
        foreach (var (name, value) in list) reader.ReadTensorInto(prefix + name, value);
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
