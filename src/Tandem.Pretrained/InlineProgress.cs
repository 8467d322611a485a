namespace Tandem.Pretrained;

/// <summary>
/// An <see cref="IProgress{T}"/> that reports on the reporting thread at once (<see cref="Progress{T}"/>
/// posts to the thread pool, so reports can arrive late and out of order); the handler must be thread-safe.
/// </summary>
public sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    /// <inheritdoc/>
    public void Report(T value) => report(value);
}
