using AutoLynx.Features.Contacts;

namespace AutoLynx.Features.Campaigns;

public enum ContactSort { Row, Name, Business, Phone, Status, Attempts, Outcome }

/// <summary>One page of a campaign's contacts: filter, search and order, as the API and the detail page ask for it.</summary>
public sealed record ContactQuery(int Page = 1, int PageSize = 50, ContactState? State = null, string? Search = null,
    ContactSort Sort = ContactSort.Row, bool Descending = false);

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
}
