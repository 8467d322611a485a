namespace Tandem.Models.Training;

/// <summary>
/// The per-epoch records of a training run, in order. As an <see cref="ITrainingObserver"/> it
/// records every epoch a trainer reports. Thread safety: none.
/// </summary>
public sealed class TrainingHistory : ITrainingObserver
{
    readonly List<EpochRecord> epochs = [];

    /// <summary>An empty history.</summary>
    public TrainingHistory() { }

    /// <summary>A history continuing <paramref name="epochs"/> (e.g. from a checkpoint's trainer state).</summary>
    public TrainingHistory(IEnumerable<EpochRecord> epochs) => this.epochs.AddRange(epochs);

    /// <summary>The records so far.</summary>
    public IReadOnlyList<EpochRecord> Epochs => epochs;

    /// <summary>Appends a record; epochs must be numbered in increasing order.</summary>
    /// <exception cref="ArgumentException">The epoch number is not above the last one.</exception>
    public void Add(EpochRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (epochs.Count > 0 && record.Epoch <= epochs[^1].Epoch)
            throw new ArgumentException($"Epoch {record.Epoch} follows epoch {epochs[^1].Epoch}; epochs must increase.", nameof(record));
        epochs.Add(record);
    }

    /// <summary>The epochs that have metric <paramref name="name"/>, with its values.</summary>
    public (double[] Epochs, double[] Values) Series(string name)
    {
        var having = epochs.Where(e => e.Validation.ContainsKey(name)).ToArray();
        return (having.Select(e => (double)e.Epoch).ToArray(), having.Select(e => e.Validation[name]).ToArray());
    }

    void ITrainingObserver.OnEpochStart(int epoch, int epochs, long examples) { }

    void ITrainingObserver.OnStep(double loss, int examples) { }

    void ITrainingObserver.OnEpochEnd(EpochRecord record) => Add(record);
}
