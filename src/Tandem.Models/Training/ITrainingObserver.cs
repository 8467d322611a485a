namespace Tandem.Models.Training;

/// <summary>
/// What a trainer tells the outside world as it goes: progress displays, histories, loggers.
/// Calls come from the training thread, in order: <see cref="OnEpochStart"/>, any number of
/// <see cref="OnStep"/>, then <see cref="OnEpochEnd"/>, once per epoch. Implementations must be
/// quick; they run between optimizer steps.
/// </summary>
public interface ITrainingObserver
{
    /// <summary>Epoch <paramref name="epoch"/> (from 1) of <paramref name="epochs"/> starts; it will see about <paramref name="examples"/> training examples (0 if unknown).</summary>
    void OnEpochStart(int epoch, int epochs, long examples);

    /// <summary>One optimizer step was taken on a batch of <paramref name="examples"/> with mean loss <paramref name="loss"/>.</summary>
    void OnStep(double loss, int examples);

    /// <summary>The epoch finished (and was validated, if <see cref="EpochRecord.Validation"/> is not empty).</summary>
    void OnEpochEnd(EpochRecord record);
}
