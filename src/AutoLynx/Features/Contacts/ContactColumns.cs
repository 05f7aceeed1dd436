using System.Text;

namespace AutoLynx.Features.Contacts;

/// <summary>Which columns of a header line auto-detection takes for each field (indexes into the headers; -1 = none).</summary>
public sealed record DetectedColumns(int FullName, int FirstName, int MiddleName, int LastName, int BusinessName, IReadOnlyList<int> Phones)
{
    /// <summary>The name's columns: the full-name column, or else first, middle and last name in that order (those present).</summary>
    public IReadOnlyList<int> Name => FullName >= 0 ? [FullName] : new[] { FirstName, MiddleName, LastName }.Where(i => i >= 0).ToArray();
}

/// <summary>
/// The header spellings of the common CRM and spreadsheet exports (HubSpot, Salesforce, Google Contacts old and new,
/// Apollo, Outlook, Excel) and the order phone columns are tried in. Headers are compared by <see cref="Key"/>: lower
/// case, letters, digits and # only ("Company / Account" → companyaccount, "Phone 1 - Value" → phone1value).
/// </summary>
public static class ContactColumns
{
    /// <summary>A column holding the whole name. Checked in this order; the first present wins.</summary>
    public static readonly string[] FullName = ["name", "fullname", "contactname", "contact", "person", "customername", "leadname", "displayname"];
    public static readonly string[] FirstName = ["firstname", "givenname", "fname", "forename"];
    public static readonly string[] MiddleName = ["middlename", "additionalname", "middleinitial"];
    public static readonly string[] LastName = ["lastname", "familyname", "surname", "lname"];

    public static readonly string[] BusinessName =
    [
        "businessname", "business", "company", "companyname", "companyaccount", "organization", "organisation", "organizationname",
        "organisationname", "organization1name", "account", "accountname", "associatedcompany", "employer", "firm",
    ];

    /// <summary>
    /// Phone columns by rank: every one present is taken, tried in rank order (then file order); the first valid number is
    /// dialled. 1 the main number; 2 Google's numbered phones; 3 a direct work line; 4 mobile; 5 the company's main line;
    /// 6 home and other numbers. Fax, pager, assistant and TTY columns are never dialled.
    /// </summary>
    public static readonly string[][] PhoneRanks =
    [
        ["phone", "phonenumber", "phoneno", "phone#", "telephone", "telephonenumber", "tel", "number", "primaryphone", "contactphone", "firstphone"],
        [/* phone{N}value, phone{N}: see PhoneRank */],
        ["workdirectphone", "directphone", "directdial", "directline", "workphone", "businessphone", "officephone", "phonework", "workphonenumber", "businessphonenumber"],
        ["mobile", "mobilephone", "mobilephonenumber", "mobilenumber", "cell", "cellphone", "cellnumber", "cellphonenumber", "phonemobile"],
        ["corporatephone", "companyphone", "companyphonenumber", "companymainphone", "mainphone", "officemainphone", "hqphone", "switchboard"],
        ["businessphone2", "homephone", "homephone2", "otherphone", "otherphonenumber", "carphone", "callback", "phonehome", "phoneother", "personalphone"],
    ];

    /// <summary>Documentation of <see cref="PhoneRanks"/> as shown to users (README, mapping step).</summary>
    public const string PhoneOrder = "Phone, Phone Number, Telephone, Primary Phone, First Phone · Phone 1 - Value, Phone 2 - Value… · " +
                                     "Work Direct Phone, Business Phone, Work Phone · Mobile, Mobile Phone, Cell · Corporate Phone, Company Main Phone · " +
                                     "Home Phone, Other Phone";

    public static DetectedColumns Detect(IReadOnlyList<string> headers)
    {
        var keys = headers.Select(Key).ToArray();
        int Find(string[] aliases)
        {
            foreach (var alias in aliases)
            {
                var i = Array.IndexOf(keys, alias);
                if (i >= 0) return i;
            }
            return -1;
        }
        var phones = Enumerable.Range(0, keys.Length)
            .Select(i => (Index: i, Rank: PhoneRank(keys[i])))
            .Where(x => x.Rank is not null)
            .OrderBy(x => x.Rank).ThenBy(x => x.Index)
            .Select(x => x.Index).ToArray();
        return new DetectedColumns(Find(FullName), Find(FirstName), Find(MiddleName), Find(LastName), Find(BusinessName), phones);
    }

    /// <summary>Where a header sorts among the phone columns (lower first), or null when it is no phone column.</summary>
    public static double? PhoneRank(string key)
    {
        for (var r = 0; r < PhoneRanks.Length; r++)
            if (Array.IndexOf(PhoneRanks[r], key) >= 0) return r;
        // Google Contacts: "Phone 1 - Value" (new and old exports), and "Phone 1" elsewhere; never "Phone 1 - Label"/"- Type".
        var span = key.AsSpan();
        if (!span.StartsWith("phone")) return null;
        span = span[5..];
        var digits = 0;
        while (digits < span.Length && char.IsAsciiDigit(span[digits])) digits++;
        if (digits is 0 or > 2) return null;
        var rest = span[digits..];
        if (rest.Length != 0 && !rest.SequenceEqual("value")) return null;
        return 1 + int.Parse(span[..digits]) / 100.0;
    }

    /// <summary>"Company / Account" → companyaccount: lower case, letters, digits and # only.</summary>
    public static string Key(string header)
    {
        var sb = new StringBuilder(header.Length);
        foreach (var ch in header.AsSpan().Trim().TrimStart('\uFEFF'))
            if (char.IsLetterOrDigit(ch) || ch == '#') sb.Append(char.ToLowerInvariant(ch));
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
