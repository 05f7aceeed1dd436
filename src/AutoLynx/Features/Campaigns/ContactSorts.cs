using AutoLynx.Features.Calls;
using AutoLynx.Features.Contacts;

namespace AutoLynx.Features.Campaigns;

public enum ContactSort { Row, Name, Business, Phone, Status, Attempts, Outcome }

/// <summary>One page of a campaign's contacts: filter, search and order, as the API and the detail page ask for it.</summary>
/// <param name="After">Keyset paging: the page after this cursor (its sort, filters and page number win over the others).</param>
public sealed record ContactQuery(int Page = 1, int PageSize = 50, ContactState? State = null, string? Search = null,
    ContactSort Sort = ContactSort.Row, bool Descending = false, ContactCursor? After = null);

/// <summary>One page of contacts; <c>nextCursor</c> reads the page after it by keyset (null on the last page).</summary>
public sealed record ContactPage(IReadOnlyList<ContactView> Items, int Page, int PageSize, int Total, string? NextCursor);

public static class ContactSorts
{
    public static string Names => string.Join(", ", Enum.GetNames<ContactSort>().Select(n => n.ToLowerInvariant()));

    /// <summary>"name", "businessName", "business_name", "state" and "lastOutcome" all work.</summary>
    public static bool TryParse(string value, out ContactSort sort)
    {
        var key = value.Replace("_", "").Trim().ToLowerInvariant();
        key = key switch { "businessname" => "business", "state" => "status", "lastoutcome" => "outcome", "rownumber" => "row", _ => key };
        return Enum.TryParse(key, true, out sort) && Enum.IsDefined(sort);
    }

    /// <summary>Orders in SQL; the row number breaks ties so paging is stable.</summary>
    public static IQueryable<Contact> Apply(IQueryable<Contact> q, ContactSort sort, bool desc) => (sort, desc) switch
    {
        (ContactSort.Name, false) => q.OrderBy(c => c.Name).ThenBy(c => c.RowNumber),
        (ContactSort.Name, true) => q.OrderByDescending(c => c.Name).ThenBy(c => c.RowNumber),
        (ContactSort.Business, false) => q.OrderBy(c => c.BusinessName).ThenBy(c => c.RowNumber),
        (ContactSort.Business, true) => q.OrderByDescending(c => c.BusinessName).ThenBy(c => c.RowNumber),
        (ContactSort.Phone, false) => q.OrderBy(c => c.Phone),
        (ContactSort.Phone, true) => q.OrderByDescending(c => c.Phone),
        (ContactSort.Status, false) => q.OrderBy(c => c.State).ThenBy(c => c.RowNumber),
        (ContactSort.Status, true) => q.OrderByDescending(c => c.State).ThenBy(c => c.RowNumber),
        (ContactSort.Attempts, false) => q.OrderBy(c => c.Attempts).ThenBy(c => c.RowNumber),
        (ContactSort.Attempts, true) => q.OrderByDescending(c => c.Attempts).ThenBy(c => c.RowNumber),
        (ContactSort.Outcome, false) => q.OrderBy(c => c.LastOutcome).ThenBy(c => c.RowNumber),
        (ContactSort.Outcome, true) => q.OrderByDescending(c => c.LastOutcome).ThenBy(c => c.RowNumber),
        (_, true) => q.OrderByDescending(c => c.RowNumber),
        _ => q.OrderBy(c => c.RowNumber),
    };

    /// <summary>The sort key of <paramref name="c"/> as a cursor stores it (the row number travels beside it).</summary>
    public static string? KeyOf(Contact c, ContactSort sort) => sort switch
    {
        ContactSort.Name => c.Name,
        ContactSort.Business => c.BusinessName,
        ContactSort.Phone => c.Phone,
        ContactSort.Status => c.State.ToString(),
        ContactSort.Attempts => c.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ContactSort.Outcome => c.LastOutcome?.ToString(),
        _ => null,
    };

    public static bool KeyIsValid(ContactSort sort, string? key) => sort switch
    {
        ContactSort.Name or ContactSort.Business or ContactSort.Phone => key is not null,
        ContactSort.Status => Enum.TryParse<ContactState>(key, out var s) && Enum.IsDefined(s),
        ContactSort.Attempts => int.TryParse(key, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out _),
        ContactSort.Outcome => key is null || (Enum.TryParse<CallOutcome>(key, out var o) && Enum.IsDefined(o)),
        _ => true,
    };

    /// <summary>
    /// The contacts that come after <paramref name="at"/> in the order <see cref="Apply"/> gives (keyset paging): a
    /// comparison the database answers from the sort's index instead of counting off the rows before it. Enum columns
    /// are stored as their names and both providers compare text bytewise (SQLite BINARY, PostgreSQL C collation), so
    /// "after" is the set of names that sort later. A missing outcome sorts first on SQLite and last on PostgreSQL,
    /// as each database orders NULL (<paramref name="nullsFirst"/>: the ascending order puts NULL first).
    /// </summary>
    public static IQueryable<Contact> After(IQueryable<Contact> q, ContactSort sort, bool desc, ContactCursor at, bool nullsFirst)
    {
        var (k, r) = (at.Key, at.Row);
        switch (sort)
        {
            case ContactSort.Name:
                return desc ? q.Where(c => string.Compare(c.Name, k) < 0 || (c.Name == k && c.RowNumber > r))
                            : q.Where(c => string.Compare(c.Name, k) > 0 || (c.Name == k && c.RowNumber > r));
            case ContactSort.Business:
                return desc ? q.Where(c => string.Compare(c.BusinessName, k) < 0 || (c.BusinessName == k && c.RowNumber > r))
                            : q.Where(c => string.Compare(c.BusinessName, k) > 0 || (c.BusinessName == k && c.RowNumber > r));
            // Unique in a campaign: the number alone orders.
            case ContactSort.Phone:
                return desc ? q.Where(c => string.Compare(c.Phone, k) < 0) : q.Where(c => string.Compare(c.Phone, k) > 0);
            case ContactSort.Attempts:
                var a = int.Parse(k!, System.Globalization.CultureInfo.InvariantCulture);
                return desc ? q.Where(c => c.Attempts < a || (c.Attempts == a && c.RowNumber > r))
                            : q.Where(c => c.Attempts > a || (c.Attempts == a && c.RowNumber > r));
            case ContactSort.Status:
                var s = Enum.Parse<ContactState>(k!);
                var laterStates = Later(Enum.GetValues<ContactState>().OrderBy(v => v.ToString(), StringComparer.Ordinal), s, desc);
                return q.Where(c => laterStates.Contains(c.State) || (c.State == s && c.RowNumber > r));
            case ContactSort.Outcome:
                CallOutcome? o = k is null ? null : Enum.Parse<CallOutcome>(k);
                var named = Enum.GetValues<CallOutcome>().OrderBy(v => v.ToString(), StringComparer.Ordinal).Select(v => (CallOutcome?)v);
                var laterOutcomes = Later(nullsFirst ? named.Prepend(null) : named.Append(null), o, desc);
                return o is null
                    ? q.Where(c => laterOutcomes.Contains(c.LastOutcome) || (c.LastOutcome == null && c.RowNumber > r))
                    : q.Where(c => laterOutcomes.Contains(c.LastOutcome) || (c.LastOutcome == o && c.RowNumber > r));
            default:
                return desc ? q.Where(c => c.RowNumber < r) : q.Where(c => c.RowNumber > r);
        }
    }

    /// <summary>The values after <paramref name="at"/> in <paramref name="ascending"/>, read in the sort's direction.</summary>
    private static List<T> Later<T>(IEnumerable<T> ascending, T at, bool desc)
    {
        var all = ascending.ToList();
        var i = all.IndexOf(at);
        return desc ? all.Take(i).ToList() : all.Skip(i + 1).ToList();
    }
}
