using System.Numerics;

namespace AutoLynx.Features.Contacts;

/// <summary>
/// Remembers, for every phone number seen in a file, the row where it first appeared, so a duplicate can name it.
/// An E.164 number has at most 15 digits, so it fits in a 64-bit integer; keys and rows sit in two flat arrays
/// (open addressing, linear probing): 12 bytes a slot, at most twice as many slots as numbers. One million distinct
/// numbers take 24 MB and no per-entry object, where a <c>Dictionary&lt;string, int&gt;</c> took about 100 MB and
/// two million objects for the GC to walk.
/// </summary>
public sealed class PhoneFirstRows
{
    private long[] _keys;
    private int[] _rows;
    private int _count;
    private int _shift;

    public PhoneFirstRows(int initialCapacity = 1024)
    {
        var capacity = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, initialCapacity));
        _keys = new long[capacity];
        _rows = new int[capacity];
        _shift = 64 - BitOperations.Log2((uint)capacity);
    }

    public int Count => _count;

    /// <summary>Bytes held by the table (for the benchmark's notes).</summary>
    public long FootprintBytes => _keys.LongLength * sizeof(long) + _rows.LongLength * sizeof(int);

    /// <summary>Adds the number with its row, or returns false and the row where it was first seen.</summary>
    public bool TryAdd(string e164, int row, out int firstRow)
    {
        var key = ToKey(e164);
        if (_count >= _keys.Length / 4 * 3) Grow();
        var mask = _keys.Length - 1;
        for (var i = Slot(key); ; i = (i + 1) & mask)
        {
            var k = _keys[i];
            if (k == 0)
            {
                _keys[i] = key;
                _rows[i] = row;
                _count++;
                firstRow = 0;
                return true;
            }
            if (k == key)
            {
                firstRow = _rows[i];
                return false;
            }
        }
    }

    /// <summary>"+14155550123" → 14155550123. Never 0: a country code does not start with 0.</summary>
    public static long ToKey(string e164)
    {
        var s = e164.AsSpan();
        if (s.Length > 0 && s[0] == '+') s = s[1..];
        if (s.Length is 0 or > 18) throw new ArgumentException($"Not an E.164 number: {e164}", nameof(e164));
        long key = 0;
        foreach (var ch in s)
        {
            if (ch is < '0' or > '9') throw new ArgumentException($"Not an E.164 number: {e164}", nameof(e164));
            key = key * 10 + (ch - '0');
        }
        // A leading zero digit would collide with the shorter number; E.164 never has one, but stay exact.
        return s[0] == '0' ? -key - 1 : key;
    }

    // Fibonacci hashing: spreads consecutive numbers (common in lists) over the table.
    private int Slot(long key) => (int)((ulong)(key * -7046029254386353131L) >> _shift);

    private void Grow()
    {
        var oldKeys = _keys;
        var oldRows = _rows;
        _keys = new long[oldKeys.Length * 2];
        _rows = new int[oldRows.Length * 2];
        _shift--;
        var mask = _keys.Length - 1;
        for (var j = 0; j < oldKeys.Length; j++)
        {
            var key = oldKeys[j];
            if (key == 0) continue;
            var i = Slot(key);
            while (_keys[i] != 0) i = (i + 1) & mask;
            _keys[i] = key;
            _rows[i] = oldRows[j];
        }
    }
}
