namespace Tandem.IO;

/// <summary>One entry of a file's section table.</summary>
/// <param name="Name">The section's unique name, e.g. <c>param/user_tower/fc1.weight</c>.</param>
/// <param name="Kind">How its bytes are to be read.</param>
/// <param name="Offset">Where its bytes start in the file.</param>
/// <param name="Length">How many bytes it has.</param>
public readonly record struct SectionInfo(string Name, SectionKind Kind, long Offset, long Length);
