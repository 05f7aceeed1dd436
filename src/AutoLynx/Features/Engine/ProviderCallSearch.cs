using AutoLynx.Vapi;
using AutoLynx.Vapi.Models;

namespace AutoLynx.Features.Engine;

/// <summary>
/// Reads a phone line's calls at Vapi within a time window, however many there are. Vapi's GET /call answers at most
/// 1,000 calls in an undocumented order with no cursor, so a full page means "there may be more": the window is cut
/// in two and each half read again, newest half first, until every part fits in a page. That works whatever order
/// Vapi uses, and a search for one call stops as soon as it is found.
/// </summary>
public static class ProviderCallSearch
{
    public const int PageSize = 1000;

    /// <summary>The first call matching <paramref name="match"/> created in [<paramref name="from"/>, <paramref name="to"/>], or null.</summary>
    public static async Task<VapiCall?> FindAsync(VapiClient vapi, string phoneNumberId, DateTimeOffset from, DateTimeOffset to,
        Func<VapiCall, bool> match, CancellationToken ct)
    {
        VapiCall? found = null;
        await WalkAsync(vapi, phoneNumberId, from, to, page =>
        {
            found = page.FirstOrDefault(match);
            return found is not null;
        }, ct);
        return found;
    }

    /// <summary>Every call created in [<paramref name="from"/>, <paramref name="to"/>] (deduplicated by id).</summary>
    public static async Task<List<VapiCall>> ListAsync(VapiClient vapi, string phoneNumberId, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var all = new Dictionary<string, VapiCall>();
        await WalkAsync(vapi, phoneNumberId, from, to, page =>
        {
            foreach (var c in page) all.TryAdd(c.Id, c);
            return false;
        }, ct);
        return all.Values.ToList();
    }

    /// <param name="visit">Returns true to stop.</param>
    private static async Task<bool> WalkAsync(VapiClient vapi, string phoneNumberId, DateTimeOffset from, DateTimeOffset to,
        Func<List<VapiCall>, bool> visit, CancellationToken ct, bool fromExclusive = false)
    {
        var page = await vapi.ListCallsAsync(new ListCallsQuery
        {
            PhoneNumberId = phoneNumberId, Limit = PageSize,
            CreatedAtGe = fromExclusive ? null : from, CreatedAtGt = fromExclusive ? from : null, CreatedAtLe = to,
        }, ct);
        if (visit(page)) return true;
        // A page that is not full holds the whole window. A full one that cannot be cut further (1,000 calls in one
        // millisecond) is as much as Vapi will tell.
        if (page.Count < PageSize || to - from <= TimeSpan.FromMilliseconds(1)) return false;
        var mid = from + TimeSpan.FromTicks((to - from).Ticks / 2);
        mid = new DateTimeOffset(mid.Ticks - mid.Ticks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero); // the query carries milliseconds
        return await WalkAsync(vapi, phoneNumberId, mid, to, visit, ct, fromExclusive: true)
               || await WalkAsync(vapi, phoneNumberId, from, mid, visit, ct, fromExclusive);
    }
}
