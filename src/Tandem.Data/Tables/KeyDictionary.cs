using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Tandem.Data.Tables;

/// <summary>
/// Interns raw string keys (user ids, item ids, category values) to dense codes 0, 1, 2, ... in
/// first-seen order. Lookups by span allocate nothing; only a new key allocates its string.
/// Tables that share a dictionary share codes, which is how interactions join side tables.
/// Two open-addressing tables share the codes: canonical non-negative integers (most id columns)
/// are looked up by value, so a lookup costs one cache miss and no string comparison; other keys
/// by a hash stored beside the code, so a miss on the hash skips the string. Not thread-safe.
/// </summary>
public sealed class KeyDictionary
{
    readonly List<string> keys = [];
    ulong[] slots = new ulong[64]; // (hash << 32) | (code + 1); 0 = empty
    int mask = 63;
    NumberSlot[] numbers = new NumberSlot[64];
    int numberMask = 63, numberCount;

    struct NumberSlot
    {
        public long KeyPlusOne; // 0 = empty
        public int Code;
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
        if (TryCanonicalNumber(key, out long number)) return InternNumber(key, number);
        uint hash = Hash(key);
        int at = (int)hash & mask;
        while (true)
        {
            ulong slot = slots[at];
            if (slot == 0) break;
            if ((uint)(slot >> 32) == hash)
            {
                int code = (int)(uint)slot - 1;
                if (key.SequenceEqual(keys[code])) return code;
            }
            at = (at + 1) & mask;
        }
        int added = keys.Count;
        keys.Add(key.ToString());
        slots[at] = ((ulong)hash << 32) | (uint)(added + 1);
        if (keys.Count * 2 > slots.Length) Grow();
        return added;
    }

    /// <summary>The code of <paramref name="key"/>, or -1 if it was never seen.</summary>
    public int CodeOf(ReadOnlySpan<char> key)
    {
        if (TryCanonicalNumber(key, out long number))
        {
            for (int at = NumberHash(number) & numberMask; ; at = (at + 1) & numberMask)
            {
                if (numbers[at].KeyPlusOne == 0) return -1;
                if (numbers[at].KeyPlusOne == number + 1) return numbers[at].Code;
            }
        }
        uint hash = Hash(key);
        for (int at = (int)hash & mask; ; at = (at + 1) & mask)
        {
            ulong slot = slots[at];
            if (slot == 0) return -1;
            if ((uint)(slot >> 32) == hash && key.SequenceEqual(keys[(int)(uint)slot - 1])) return (int)(uint)slot - 1;
        }
    }

    int InternNumber(ReadOnlySpan<char> key, long number)
    {
        int at = NumberHash(number) & numberMask;
        while (numbers[at].KeyPlusOne != 0)
        {
            if (numbers[at].KeyPlusOne == number + 1) return numbers[at].Code;
            at = (at + 1) & numberMask;
        }
        int added = keys.Count;
        keys.Add(key.ToString());
        numbers[at] = new NumberSlot { KeyPlusOne = number + 1, Code = added };
        if (++numberCount * 2 > numbers.Length)
        {
            var old = numbers;
            numbers = new NumberSlot[old.Length * 2];
            numberMask = numbers.Length - 1;
            foreach (var slot in old)
            {
                if (slot.KeyPlusOne == 0) continue;
                int to = NumberHash(slot.KeyPlusOne - 1) & numberMask;
                while (numbers[to].KeyPlusOne != 0) to = (to + 1) & numberMask;
                numbers[to] = slot;
            }
        }
        return added;
    }

    /// <summary>
    /// Digits only, at most 18, and no leading zero (except "0"): then the text is exactly the
    /// number's decimal form, so "7" and "007" never share a code.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static bool TryCanonicalNumber(ReadOnlySpan<char> key, out long value)
    {
        value = 0;
        if (key.IsEmpty || key.Length > 18 || (key[0] == '0' && key.Length > 1)) return false;
        foreach (char c in key)
        {
            uint digit = (uint)(c - '0');
            if (digit > 9) return false;
            value = value * 10 + digit;
        }
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static int NumberHash(long value) => (int)(((ulong)value * 0x9E3779B97F4A7C15UL) >> 33);

    void Grow()
    {
        var old = slots;
        slots = new ulong[old.Length * 2];
        mask = slots.Length - 1;
        foreach (ulong slot in old)
        {
            if (slot == 0) continue;
            int at = (int)(uint)(slot >> 32) & mask;
            while (slots[at] != 0) at = (at + 1) & mask;
            slots[at] = slot;
        }
    }

    /// <summary>FNV-1a over code units with a final avalanche, so short numeric ids spread over the table.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static uint Hash(ReadOnlySpan<char> key)
    {
        uint h = 2166136261;
        foreach (char c in key) h = (h ^ c) * 16777619;
        h ^= h >> 15;
        h *= 0x2C1B3C6D;
        h ^= h >> 12;
        return h;
    }
}
