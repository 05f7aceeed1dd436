using System.Text;

namespace AutoLynx.Features.Contacts;

/// <summary>
/// Turns one record into a contact, or says which rule it broke: the name (one column, or composed from its parts), the
/// business name, and the first valid number among the phone columns in their order (Google's "a ::: b" cells hold
/// several), with its extension.
/// </summary>
public sealed class ContactRowParser(ContactHeaders map, PhoneNormalizer phones, bool checkFieldCount)
{
    public const int MaxName = 100;
    public const int MaxBusinessName = 200;
    /// <summary>Google Contacts puts several values of one kind in one cell: "+1 415 555 0100 ::: +1 415 555 0101".</summary>
    public const string MultiValueSeparator = ":::";
    private readonly int _headerCount = map.Headers.Count;
    // Arrays, not interfaces: a foreach over them allocates no enumerator, once per row.
    private readonly int[] _phones = map.Phones;
    private readonly (int Index, string Column)[] _extra = map.Extra;

    public (ImportedContact? Contact, SkippedRow? Skip) Parse(string[] record, int row)
    {
        SkippedRow Skip(string reason) => new(row, reason, Values(record));
        if (checkFieldCount)
        {
            if (record.Length > _headerCount && HasValueFrom(record, _headerCount))
                return (null, Skip($"The row has {CountFields(record)} fields but the header has {_headerCount}; is a value missing its quotes?"));
            if (record.Length < _headerCount)
                return (null, Skip($"The row has {record.Length} field{(record.Length == 1 ? "" : "s")} but the header has {_headerCount}; is a separator missing?"));
        }

        var name = Name(record);
        if (name.Length == 0)
            return (null, Skip(map.NameComposed ? $"Name is empty ({string.Join(", ", map.Name.Select(p => map.Headers[p.Index]))} are blank)." : "Name is empty."));
        if (name.Length > MaxName) return (null, Skip($"Name is longer than {MaxName} characters ({name.Length})."));
        var business = Words(Field(record, map.BusinessName));
        if (business.Length == 0) return (null, Skip("Business name is empty."));
        if (business.Length > MaxBusinessName) return (null, Skip($"Business name is longer than {MaxBusinessName} characters ({business.Length})."));

        var (phone, column, error) = Phone(record);
        if (phone is not { Ok: true }) return (null, Skip(error!));

        Dictionary<string, string>? extra = null;
        foreach (var (index, variable) in _extra)
        {
            var v = Field(record, index);
            if (v.Length == 0) continue;
            extra ??= new Dictionary<string, string>(StringComparer.Ordinal);
            extra[variable] = v;
        }
        return (new ImportedContact(row, name, business, phone.Value.E164!, extra, column, phone.Value.Extension), null);
    }

    private string Name(string[] record)
    {
        if (!map.NameComposed) return Words(Field(record, map.Name[0].Index));
        var sb = new StringBuilder();
        foreach (var part in map.Name)
        {
            var v = Words(Field(record, part.Index));
            if (v.Length == 0) continue;
            if (sb.Length > 0) sb.Append(' ');
            sb.Append(v);
        }
        return sb.ToString();
    }

    /// <summary>
    /// The first valid number in the phone columns' order, and the column it came from (null when there was only one to take
    /// it from); or every column's reason.
    /// </summary>
    private (PhoneResult? Phone, string? Column, string? Error) Phone(string[] record)
    {
        List<string>? reasons = null;
        var several = _phones.Length > 1;
        foreach (var index in _phones)
        {
            var raw = Field(record, index);
            if (raw.Length == 0) continue;
            var header = map.Headers[index];
            if (!raw.Contains(MultiValueSeparator, StringComparison.Ordinal))
            {
                var r = phones.Normalize(raw);
                if (r.Ok) return (r, several ? header : null, null);
                (reasons ??= []).Add(several ? $"{header}: {r.Error}" : r.Error!);
                continue;
            }
            var values = raw.Split(MultiValueSeparator, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            for (var k = 0; k < values.Length; k++)
            {
                var r = phones.Normalize(values[k]);
                if (r.Ok) return (r, k == 0 ? (several ? header : null) : $"{header} (value {k + 1})", null);
                (reasons ??= []).Add(several ? $"{header}: {r.Error}" : r.Error!);
            }
        }
        if (reasons is null)
            return (null, null, several ? $"Phone is empty (no number in {string.Join(", ", _phones.Select(i => map.Headers[i]))})." : "Phone is empty.");
        return (null, null, string.Join(" ", reasons));
    }

    private static bool HasValueFrom(string[] record, int start)
    {
        for (var i = start; i < record.Length; i++) if (!string.IsNullOrWhiteSpace(record[i])) return true;
        return false;
    }

    private static int CountFields(string[] record)
    {
        var n = record.Length;
        while (n > 0 && string.IsNullOrWhiteSpace(record[n - 1])) n--;
        return n;
    }

    private static string Field(string[] record, int index) => index < record.Length ? record[index].Trim() : "";

    /// <summary>A name typed over two lines in a spreadsheet cell is one name: runs of white space become one space.</summary>
    private static string Words(string s)
    {
        var needs = false;
        for (var i = 0; i < s.Length && !needs; i++)
            needs = char.IsWhiteSpace(s[i]) && (s[i] != ' ' || (i + 1 < s.Length && char.IsWhiteSpace(s[i + 1])));
        if (!needs) return s;
        var sb = new StringBuilder(s.Length);
        foreach (var ch in s)
        {
            if (!char.IsWhiteSpace(ch)) sb.Append(ch);
            else if (sb.Length > 0 && sb[^1] != ' ') sb.Append(' ');
        }
        return sb.ToString().TrimEnd();
    }

    /// <summary>The row's fields under their stored names (long values cut), for the report.</summary>
    public Dictionary<string, string?> Values(string[] record)
    {
        var d = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < map.ColumnNames.Count && i < record.Length; i++)
        {
            var v = record[i];
            d.TryAdd(map.ColumnNames[i], v.Length > 200 ? v[..200] + "…" : v);
        }
        return d;
    }
}
