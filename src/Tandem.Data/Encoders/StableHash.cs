namespace Tandem.Data.Encoders;

/// <summary>
/// FNV-1a over UTF-16 code units: the same bucket in every process and on every machine,
/// unlike <see cref="string.GetHashCode()"/>, so hashed ids survive a save and load.
/// </summary>
static class StableHash
{
    internal static uint Fnv1a(ReadOnlySpan<char> text)
    {
        uint h = 2166136261;
        foreach (char c in text)
        {
            h = (h ^ (byte)c) * 16777619;
            h = (h ^ (byte)(c >> 8)) * 16777619;
        }
        return h;
    }
}
