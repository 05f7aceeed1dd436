using System.Buffers.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using AutoLynx.Features.Contacts;

namespace AutoLynx.Features.Campaigns;

/// <summary>
/// Where the next page of a campaign's contacts starts (keyset paging): the sort key and row number of the last contact
/// shown, with the order and filters the page was read with, and the number the next page has. Handed out as an
/// opaque URL-safe string (<c>nextCursor</c>); a page read by cursor seeks to that key instead of skipping rows, so a
/// deep page costs what the first does and contacts added meanwhile are neither repeated nor skipped before it.
/// </summary>
public sealed record ContactCursor(
    [property: JsonPropertyName("s")] ContactSort Sort,
    [property: JsonPropertyName("d")] bool Descending,
    [property: JsonPropertyName("f")] ContactState? State,
    [property: JsonPropertyName("q")] string? Search,
    [property: JsonPropertyName("p")] int Page,
    [property: JsonPropertyName("k")] string? Key,
    [property: JsonPropertyName("r")] int Row)
{
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public string Encode() => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(this, Json));

    /// <summary>Null when <paramref name="text"/> is not a cursor this API handed out.</summary>
    public static ContactCursor? TryDecode(string text)
    {
        try
        {
            var cursor = JsonSerializer.Deserialize<ContactCursor>(Base64Url.DecodeFromChars(text.Trim()), Json);
            return cursor is { Page: >= 1 } && Enum.IsDefined(cursor.Sort) && (cursor.State is null || Enum.IsDefined(cursor.State.Value))
                   && ContactSorts.KeyIsValid(cursor.Sort, cursor.Key) ? cursor : null;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }
}
