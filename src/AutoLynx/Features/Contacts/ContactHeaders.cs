using System.Text;

namespace AutoLynx.Features.Contacts;

/// <summary>Where the three required columns are in a header line, and the snake_case names of all the others.</summary>
public sealed record ContactHeaders(int Name, int BusinessName, int Phone, IReadOnlyList<(int Index, string Column)> Extra, IReadOnlyList<string> ColumnNames)
{
    /// <summary>Header spellings people use for the three required columns (compared after lower-casing and removing spaces, dashes, dots and underscores).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Aliases = new Dictionary<string, string[]>
    {
        ["name"] = ["name", "fullname", "contactname", "contact", "firstname", "person", "customername"],
        ["business_name"] = ["businessname", "business", "company", "companyname", "organization", "organisation", "account", "accountname", "firm"],
        ["phone"] = ["phone", "phonenumber", "phoneno", "mobile", "mobilenumber", "cell", "cellphone", "telephone", "tel", "number", "phone#", "mobilephone"],
    };

    public int LastRequired => Math.Max(Name, Math.Max(BusinessName, Phone));

    /// <exception cref="ImportRejectedException">A required column is missing.</exception>
    public static ContactHeaders Map(IReadOnlyList<string> headers)
    {
        var keys = headers.Select(Key).ToArray();
        int Find(string field)
        {
            foreach (var alias in Aliases[field])
            {
                var i = Array.IndexOf(keys, alias);
                if (i >= 0) return i;
            }
            return -1;
        }
        var name = Find("name");
        var business = Find("business_name");
        var phone = Find("phone");
        var missing = new List<string>();
        if (name < 0) missing.Add("name");
        if (business < 0) missing.Add("business_name");
        if (phone < 0) missing.Add("phone");
        if (missing.Count > 0)
        {
            var found = string.Join(", ", headers.Take(10).Select(h => $"\"{(h.Length > 40 ? h[..40] + "…" : h)}\""));
            throw new ImportRejectedException(
                $"The file is missing the required column{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)}. " +
                $"The first line must name the columns name, business_name and phone (found: {found}).");
        }

        var columnNames = new List<string>(headers.Count);
        var used = new HashSet<string>(StringComparer.Ordinal);
        var extra = new List<(int, string)>();
        for (var i = 0; i < headers.Count; i++)
        {
            var snake = i == name ? "name" : i == business ? "business_name" : i == phone ? "phone" : ToSnakeCase(headers[i]);
            if (snake.Length == 0) snake = $"column_{i + 1}";
            var unique = snake;
            for (var n = 2; !used.Add(unique); n++) unique = $"{snake}_{n}";
            columnNames.Add(unique);
            if (i != name && i != business && i != phone) extra.Add((i, unique));
        }
        return new ContactHeaders(name, business, phone, extra, columnNames);
    }

    private static string Key(string header)
    {
        var sb = new StringBuilder(header.Length);
        foreach (var ch in header.Trim().TrimStart('\uFEFF'))
            if (ch is not (' ' or '_' or '-' or '.')) sb.Append(char.ToLowerInvariant(ch));
        return sb.ToString();
    }

    /// <summary>"Lead Source" → lead_source, "Deal-Size ($)" → deal_size, "dealSize" → deal_size.</summary>
    public static string ToSnakeCase(string header)
    {
        var sb = new StringBuilder(header.Length);
        var pendingUnderscore = false;
        var s = header.Trim().TrimStart('\uFEFF');
        for (var i = 0; i < s.Length && sb.Length < 64; i++)
        {
            var ch = s[i];
            if (char.IsLetterOrDigit(ch))
            {
                if (char.IsUpper(ch) && i > 0 && char.IsLower(s[i - 1])) pendingUnderscore = true;
                if (pendingUnderscore && sb.Length > 0) sb.Append('_');
                pendingUnderscore = false;
                sb.Append(char.ToLowerInvariant(ch));
            }
            else pendingUnderscore = true;
        }
        return sb.ToString();
    }
}
