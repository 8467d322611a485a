using Tandem.IO;
using Tandem.Tensors;
using Tandem.Tensors.Autograd;
using Tandem.Tensors.Optimizers;

namespace Tandem.Models.Persistence;

/// <summary>
/// Saves and restores a whole training run in one file (<see cref="TandemFileKind.Checkpoint"/>):
/// parameters (<c>param/{name}</c>), the optimizer's step count and state tensors
/// (<c>optimizer/{name}</c>), and a <see cref="TrainerState"/> (<c>trainer</c>, JSON).
/// Restoring into freshly constructed parameters and optimizer of the same architecture and
/// settings continues training bit for bit as if it had never stopped (given the same data
/// order, which the trainer rebuilds from <see cref="TrainerState.RngState"/>).
/// </summary>
public static class Checkpoint
{
    const string TrainerSection = "trainer";
    const string OptimizerSection = "optimizer";
    const string ParameterPrefix = "param/";
    const string StatePrefix = "optimizer/";

    /// <summary>The optimizer's identity and progress, stored beside its state tensors.</summary>
    sealed record OptimizerInfo(string Type, long StepCount);

    /// <summary>Writes <paramref name="parameters"/>, <paramref name="optimizer"/> and <paramref name="state"/> to <paramref name="path"/> atomically.</summary>
    /// <exception cref="TandemFileException">The file cannot be written; any previous file at <paramref name="path"/> is left as it was.</exception>
    public static void Save(string path, IEnumerable<Parameter> parameters, Optimizer optimizer, TrainerState state)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(state);
        var writer = new TandemFileWriter(TandemFileKind.Checkpoint);
        writer.AddJson(TrainerSection, state);
        writer.AddJson(OptimizerSection, new OptimizerInfo(optimizer.GetType().Name, optimizer.StepCount));
        ParameterSections.Write(writer, parameters, ParameterPrefix);
        foreach (var (name, value) in optimizer.State) writer.AddTensor(StatePrefix + name, value);
        writer.Save(path);
    }

    /// <summary>
    /// Restores a checkpoint into <paramref name="parameters"/> and <paramref name="optimizer"/>
    /// (same names, shapes and optimizer type as when saved) and returns the trainer state.
    /// Every name and shape is checked before anything is overwritten.
    /// </summary>
    /// <exception cref="TandemFileException">The file is not a valid checkpoint, or does not match the parameters or optimizer.</exception>
    public static TrainerState Restore(string path, IEnumerable<Parameter> parameters, Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        using var reader = TandemFileReader.Open(path, TandemFileKind.Checkpoint);
        var state = reader.ReadJson<TrainerState>(TrainerSection);
        var info = reader.ReadJson<OptimizerInfo>(OptimizerSection);
        string type = optimizer.GetType().Name;
        if (info.Type != type)
            FileThrow.Mismatch(path, $"the checkpoint holds {info.Type} optimizer state but the optimizer is {type}");
        if (info.StepCount < 0) FileThrow.Corrupt(path, $"the optimizer step count is {info.StepCount}");

        // Check every name and shape first, so a mismatched checkpoint changes nothing.
        var stateTensors = ParameterSections.Check(reader, optimizer.State, StatePrefix, "optimizer state", "the optimizer");
        var parameterList = parameters.ToList();
        ParameterSections.Check(reader, parameterList.Select(p => (p.Name, p.Value)), ParameterPrefix, "parameter", "the model");
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
        ParameterSections.Read(reader, parameterList, ParameterPrefix);
        return state;
    }
}
