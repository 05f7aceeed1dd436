using System.Security.Cryptography;
using System.Text;

namespace AutoLynx.Features.Contacts;

/// <summary>The last mapping a person used for files with one set of headers, offered again for the next such file.</summary>
public sealed class ImportMapping
{
    public const int MaxColumnName = 200;
    public long Id { get; set; }
    public required string UserId { get; set; }
    /// <summary><see cref="KeyFor"/> of the file's headers.</summary>
    public required string HeaderKey { get; set; }
    /// <summary>The headers as the file had them (JSON array), so a person can see what the mapping was for.</summary>
    public required string HeadersJson { get; set; }
    /// <summary>The mapping, as the request's <c>mapping</c> field takes it.</summary>
    public required string MappingJson { get; set; }
    public DateTime UpdatedAt { get; set; }

    /// <summary>
    /// The same for every export with the same columns, whatever their order, case or spacing: SHA-256 over the sorted
    /// <see cref="ContactColumns.Key"/>s, hex.
    /// </summary>
    public static string KeyFor(IEnumerable<string> headers)
    {
        var keys = headers.Select(ContactColumns.Key).Where(k => k.Length > 0).Distinct().Order(StringComparer.Ordinal);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u001f', keys))));
    }
}
