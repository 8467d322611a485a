using System.Runtime.InteropServices;

namespace Tandem.Data.Tables;

/// <summary>
/// Interns raw string keys (user ids, item ids, category values) to dense codes 0, 1, 2, ... in
/// first-seen order. Lookups by span allocate nothing; only a new key allocates its string.
/// Tables that share a dictionary share codes, which is how interactions join side tables.
/// Not thread-safe.
/// </summary>
public sealed class KeyDictionary
{
    readonly Dictionary<string, int> map;
    readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> lookup;
    readonly List<string> keys = [];

    /// <summary>An empty dictionary.</summary>
    public KeyDictionary()
    {
        map = new Dictionary<string, int>(StringComparer.Ordinal);
        lookup = map.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Number of distinct keys.</summary>
    public int Count => keys.Count;

    /// <summary>The key with code <paramref name="code"/>.</summary>
    public string this[int code] => keys[code];

    /// <summary>All keys in code order.</summary>
    public ReadOnlySpan<string> Keys => CollectionsMarshal.AsSpan(keys);

    /// <summary>The code of <paramref name="key"/>, adding it if new.</summary>
    public int Intern(ReadOnlySpan<char> key)
    {
        if (lookup.TryGetValue(key, out int code)) return code;
        code = keys.Count;
        string s = key.ToString();
        map.Add(s, code);
        keys.Add(s);
        return code;
    }

    /// <summary>The code of <paramref name="key"/>, or -1 if it was never seen.</summary>
    public int CodeOf(ReadOnlySpan<char> key) => lookup.TryGetValue(key, out int code) ? code : -1;
}
