namespace Tandem.Data.Splits;

/// <summary>Interactions (rows of the log) on each side of a split, each in ascending order.</summary>
/// <param name="Train">Rows to fit and train on.</param>
/// <param name="Test">Rows held out.</param>
public sealed record Split(int[] Train, int[] Test);
