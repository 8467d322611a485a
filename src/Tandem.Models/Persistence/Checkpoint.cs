using Tandem.IO;
using Tandem.Tensors;
using Tandem.Tensors.Optimizers;

namespace Tandem.Models.Persistence;

/// <summary>
/// Saves and restores a whole training run in one file (<see cref="TandemFileKind.Checkpoint"/>):
/// the model's parameters (<c>param/{name}</c>) and buffers (<c>buffer/{name}</c>), the state of
/// each of its generators (<c>generators</c>, JSON), the optimizer's step count and state tensors
/// (<c>optimizer/{name}</c>), a <see cref="TrainerState"/> (<c>trainer</c>, JSON) and, when early
/// stopping keeps one, the best epoch's <see cref="ModelSnapshot"/> (<c>best/param/{name}</c>,
/// <c>best/buffer/{name}</c>). Restoring into a freshly built model and optimizer of the same
/// architecture and settings continues training bit for bit as if it had never stopped.
/// </summary>
public static class Checkpoint
{
    const string TrainerSection = "trainer", OptimizerSection = "optimizer", GeneratorSection = "generators";
    const string StatePrefix = "optimizer/", BestPrefix = "best/";

    /// <summary>The optimizer's identity and progress, stored beside its state tensors.</summary>
    sealed record OptimizerInfo(string Type, long StepCount);

    /// <summary>Writes <paramref name="model"/>, <paramref name="optimizer"/>, <paramref name="state"/> and <paramref name="best"/> (if any) to <paramref name="path"/> atomically.</summary>
    /// <exception cref="TandemFileException">The file cannot be written; any previous file at <paramref name="path"/> is left as it was.</exception>
    public static void Save(string path, ModelState model, Optimizer optimizer, TrainerState state, ModelSnapshot? best = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(state);
        var writer = new TandemFileWriter(TandemFileKind.Checkpoint);
        writer.AddJson(TrainerSection, state);
        writer.AddJson(GeneratorSection, model.Generators.ToDictionary(g => g.Name, g => g.Rng.GetState()));
        writer.AddJson(OptimizerSection, new OptimizerInfo(optimizer.GetType().Name, optimizer.StepCount));
        ParameterSections.WriteTensors(writer, model.ParameterValues, ParameterSections.ParameterPrefix);
        ParameterSections.WriteTensors(writer, model.BufferValues, ParameterSections.BufferPrefix);
        foreach (var (name, value) in optimizer.State) writer.AddTensor(StatePrefix + name, value);
        if (best is not null)
        {
            ParameterSections.WriteTensors(writer, best.Parameters, BestPrefix + ParameterSections.ParameterPrefix);
            ParameterSections.WriteTensors(writer, best.Buffers, BestPrefix + ParameterSections.BufferPrefix);
        }
        writer.Save(path);
    }

    /// <summary>
    /// Restores a checkpoint into <paramref name="model"/> and <paramref name="optimizer"/> (same
    /// names, shapes and optimizer type as when saved) and returns the trainer state and the
    /// best-epoch snapshot, if the checkpoint has one (the caller owns it). Every name, shape and
    /// generator state is checked before anything is overwritten.
    /// </summary>
    /// <exception cref="TandemFileException">The file is not a valid checkpoint, or does not match the model or optimizer.</exception>
    public static (TrainerState State, ModelSnapshot? Best) Restore(string path, ModelState model, Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        using var reader = TandemFileReader.Open(path, TandemFileKind.Checkpoint);
        var state = reader.ReadJson<TrainerState>(TrainerSection);
        var info = reader.ReadJson<OptimizerInfo>(OptimizerSection);
        string type = optimizer.GetType().Name;
        if (info.Type != type)
            FileThrow.Mismatch(path, $"the checkpoint holds {info.Type} optimizer state but the optimizer is {type}");
        if (info.StepCount < 0) FileThrow.Corrupt(path, $"the optimizer step count is {info.StepCount}");
        var generators = CheckGenerators(reader, model);

        // Check every name and shape first, so a mismatched checkpoint changes nothing.
        var stateTensors = ParameterSections.Check(reader, optimizer.State, StatePrefix, "optimizer state", "the optimizer");
        var parameters = ParameterSections.Check(reader, model.ParameterValues, ParameterSections.ParameterPrefix, "parameter", "the model");
        var buffers = ParameterSections.Check(reader, model.BufferValues, ParameterSections.BufferPrefix, "buffer", "the model");
        bool hasBest = reader.Sections.Any(s => s.Name.StartsWith(BestPrefix, StringComparison.Ordinal));
        if (hasBest)
        {
            ParameterSections.Check(reader, model.ParameterValues, BestPrefix + ParameterSections.ParameterPrefix, "best-epoch parameter", "the model");
            ParameterSections.Check(reader, model.BufferValues, BestPrefix + ParameterSections.BufferPrefix, "best-epoch buffer", "the model");
        }

        var saved = new List<(string Name, Tensor Value)>();
        try
        {
            foreach (var (name, value) in stateTensors)
            {
                var tensor = Tensor.Empty(value.Shape.ToArray());
                saved.Add((name, tensor));
                reader.ReadTensorInto(StatePrefix + name, tensor);
            }
            optimizer.LoadState(info.StepCount, saved);
        }
        finally
        {
            foreach (var (_, tensor) in saved) tensor.Dispose();
        }
        ParameterSections.ReadChecked(reader, parameters, ParameterSections.ParameterPrefix);
        ParameterSections.ReadChecked(reader, buffers, ParameterSections.BufferPrefix);
        foreach (var (name, rng) in model.Generators) rng.SetState(generators[name]);
        ModelSnapshot? best = null;
        if (hasBest)
        {
            best = ModelSnapshot.Of(model); // the right names and shapes, overwritten by the file's values
            try
            {
                ParameterSections.ReadChecked(reader, best.Parameters, BestPrefix + ParameterSections.ParameterPrefix);
                ParameterSections.ReadChecked(reader, best.Buffers, BestPrefix + ParameterSections.BufferPrefix);
            }
            catch
            {
                best.Dispose();
                throw;
            }
        }
        return (state, best);
    }

    /// <summary>The saved generator states, checked to be exactly the model's generators, each a valid state.</summary>
    static Dictionary<string, ulong[]> CheckGenerators(TandemFileReader reader, ModelState model)
    {
        var saved = reader.ReadJson<Dictionary<string, ulong[]>>(GeneratorSection);
        var names = model.Generators.Select(g => g.Name).ToHashSet();
        foreach (var name in saved.Keys)
            if (!names.Contains(name)) FileThrow.Mismatch(reader.Path, $"generator '{name}' is in the file but not in the model");
        foreach (var name in names)
        {
            if (!saved.TryGetValue(name, out var words)) FileThrow.Mismatch(reader.Path, $"generator '{name}' of the model is not in the file");
            if (words is null || words.Length != Rng.StateLength || words.All(w => w == 0))
                FileThrow.Corrupt(reader.Path, $"generator '{name}' has an invalid state ({Rng.StateLength} words, not all zero, expected)");
        }
        return saved;
    }
}
