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
    /// so a model and a file of different architectures never half-load.
    /// </summary>
    /// <exception cref="TandemFileException">A parameter is missing, has another shape, or the file has one the model lacks.</exception>
    public static void Read(TandemFileReader reader, IEnumerable<Parameter> parameters, string prefix = "param/")
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(parameters);
        var list = parameters.ToList();
        var expected = list.Select(p => prefix + p.Name).ToHashSet();
        foreach (var section in reader.Sections)
            if (section.Name.StartsWith(prefix, StringComparison.Ordinal) && !expected.Contains(section.Name))
                PersistenceThrow.Mismatch(reader.Path, $"parameter '{section.Name[prefix.Length..]}' is in the file but not in the model");
        foreach (var p in list)
        {
            if (!reader.Contains(prefix + p.Name))
                PersistenceThrow.Mismatch(reader.Path, $"parameter '{p.Name}' of the model is not in the file");
            reader.ReadTensorInto(prefix + p.Name, p.Value);
        }
    }
}
