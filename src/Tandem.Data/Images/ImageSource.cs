namespace Tandem.Data.Images;

/// <summary>An item and the path of its image file, or null when it has none.</summary>
public readonly record struct ImageSource(string Item, string? Path);
