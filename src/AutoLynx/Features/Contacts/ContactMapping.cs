using System.Text.Json;

namespace AutoLynx.Features.Contacts;

/// <summary>Where the mapping an import used came from.</summary>
public enum MappingSource
{
    /// <summary>Auto-detection from the header spellings alone.</summary>
    Detected,
    /// <summary>The request's <c>mapping</c> field (the New campaign page's mapping step sends one too).</summary>
    Given,
    /// <summary>The last mapping this user gave for a file with the same headers.</summary>
    Remembered,
}

/// <summary>
/// Which file columns hold which field, as a person says it: <c>{"name": ["First Name", "Last Name"],
/// "business_name": "Company / Account", "phone": ["Phone", "Mobile"]}</c>. Each field is a column or a list of columns
/// (the name's parts are joined with spaces; phones are tried in order). A field left out is auto-detected.
/// </summary>
public sealed record ContactMapping(IReadOnlyList<string>? Name, IReadOnlyList<string>? BusinessName, IReadOnlyList<string>? Phone)
{
    public const string NameField = "name";
    public const string BusinessNameField = "business_name";
    public const string PhoneField = "phone";
    public static readonly string[] Fields = [NameField, BusinessNameField, PhoneField];

    public static readonly ContactMapping Empty = new(null, null, null);

    public bool IsEmpty => Name is null && BusinessName is null && Phone is null;

    /// <summary>The mapping as JSON, the same shape <see cref="Parse"/> reads (fields left out are not written).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ToDictionary()
    {
        var d = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (Name is not null) d[NameField] = Name;
        if (BusinessName is not null) d[BusinessNameField] = BusinessName;
        if (Phone is not null) d[PhoneField] = Phone;
        return d;
    }

    public string ToJson() => JsonSerializer.Serialize(ToDictionary());

    /// <summary>Reads the request's <c>mapping</c> field; null or blank means none.</summary>
    /// <exception cref="ImportRejectedException">Not JSON, not an object, an unknown field, or a value that is not a column name or a list of them.</exception>
    public static ContactMapping? Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return null;
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw Invalid($"The mapping is not valid JSON ({ex.Message.Split('.')[0]}).");
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw Invalid("The mapping must be a JSON object such as {\"name\": [\"First Name\", \"Last Name\"], \"business_name\": \"Company\", \"phone\": [\"Phone\", \"Mobile\"]}.");
            IReadOnlyList<string>? name = null, business = null, phone = null;
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                var columns = Columns(p);
                switch (ContactColumns.Key(p.Name))
                {
                    case "name": name = columns; break;
                    case "businessname": business = columns; break;
                    case "phone": phone = columns; break;
                    default: throw Invalid($"The mapping has an unknown field \"{Short(p.Name)}\"; the fields are name, business_name and phone.");
                }
            }
            return new ContactMapping(name, business, phone);
        }
    }

    private static string[] Columns(JsonProperty p)
    {
        var values = p.Value.ValueKind switch
        {
            JsonValueKind.String => [p.Value.GetString()!],
            JsonValueKind.Array when p.Value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String)
                => p.Value.EnumerateArray().Select(v => v.GetString()!).ToArray(),
            _ => throw Invalid($"The mapping's \"{Short(p.Name)}\" must be a column name or a list of column names."),
        };
        values = values.Select(v => v.Trim()).Where(v => v.Length > 0).ToArray();
        if (values.Length == 0) throw Invalid($"The mapping's \"{Short(p.Name)}\" names no column.");
        return values;
    }

    internal static ImportRejectedException Invalid(string message) => new(message, StatusCodes.Status400BadRequest, "mapping");

    internal static string Short(string s) => s.Length > 60 ? s[..60] + "…" : s;
}
