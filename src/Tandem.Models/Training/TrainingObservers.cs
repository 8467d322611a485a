namespace Tandem.Models.Training;

/// <summary>Helpers for <see cref="ITrainingObserver"/>s.</summary>
public static class TrainingObservers
{
    /// <summary>One observer that forwards every call to each of <paramref name="observers"/>, in order (e.g. a progress display and a history).</summary>
    public static ITrainingObserver Combine(params ITrainingObserver[] observers)
    {
        ArgumentNullException.ThrowIfNull(observers);
        return new Many([.. observers]);
    }

    sealed class Many(ITrainingObserver[] observers) : ITrainingObserver
    {
        public void OnEpochStart(int epoch, int epochs, long examples)
        {
            foreach (var o in observers) o.OnEpochStart(epoch, epochs, examples);
        }

        public void OnStep(double loss, int examples)
        {
            foreach (var o in observers) o.OnStep(loss, examples);
        }

        public void OnEpochEnd(EpochRecord record)
        {
            foreach (var o in observers) o.OnEpochEnd(record);
        }
    }
}
