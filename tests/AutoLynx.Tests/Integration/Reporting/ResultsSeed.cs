using System.Text;
using AutoLynx.Features.Calls;
using AutoLynx.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Tests.Integration.Reporting;

/// <summary>
/// Fixtures for the results tests: campaigns made through the API (so contacts are stored exactly as an import stores
/// them), and call histories written straight into the database, as the engine would have left them.
/// </summary>
internal static class ResultsSeed
{
    private static readonly string[] AreaCodes = ["212", "312", "415", "617", "713", "202", "305", "404", "503", "602"];

    /// <summary>A valid, distinct US number for each i below 100,000 (ten area codes in four time zones).</summary>
    public static string Phone(int i) => $"+1{AreaCodes[i / 10_000 % AreaCodes.Length]}555{i % 10_000:0000}";

    /// <summary>A CSV of <paramref name="rows"/> contacts with two extra columns (city, notes).</summary>
    public static string Csv(int rows, Func<int, (string Name, string Business)>? names = null)
    {
        var sb = new StringBuilder("name,business_name,phone,city,notes\n");
        for (var i = 0; i < rows; i++)
        {
            var (name, business) = names?.Invoke(i) ?? ($"Person {i}", $"Business {i}");
            sb.Append(Quote(name)).Append(',').Append(Quote(business)).Append(',').Append(Phone(i)).Append(",Town ").Append(i % 7)
                .Append(',').Append(i % 5 == 0 ? "" : Quote($"note {i}, \"quoted\"")).Append('\n');
        }
        return sb.ToString();
    }

    private static string Quote(string v) => "\"" + v.Replace("\"", "\"\"") + "\"";

    /// <summary>The campaign's contacts: id and row, in file order.</summary>
    public static Task<List<(long Id, int Row, string Phone)>> ContactsAsync(AppHost app, long campaignId)
        => app.WithDbAsync(async db => (await db.Contacts.AsNoTracking().Where(c => c.CampaignId == campaignId).OrderBy(c => c.RowNumber)
            .Select(c => new { c.Id, c.RowNumber, c.Phone }).ToListAsync()).Select(c => (c.Id, c.RowNumber, c.Phone)).ToList());

    public static async Task<long> LineIdAsync(AppHost app) => (await app.GetJsonAsync("api/phone-lines"))[0].GetProperty("id").GetInt64();

    /// <summary>Stores finished calls as the engine leaves them (in chunks; the rollup triggers see every one).</summary>
    public static async Task AddCallsAsync(AppHost app, IEnumerable<Call> calls)
    {
        foreach (var chunk in calls.Chunk(5_000))
        {
            await app.WithDbAsync(async db =>
            {
                db.Calls.AddRange(chunk);
                return await db.SaveChangesAsync();
            });
        }
    }

    /// <summary>A finished call to a contact, with everything the end-of-call report fills in.</summary>
    public static Call Ended(long campaignId, long contactId, long lineId, DateTime createdAt, CallOutcome outcome, string? endedReason,
        double? duration = null, decimal? cost = null, string? success = null, int attempt = 1)
    {
        var dialed = outcome is not (CallOutcome.NotPlaced or CallOutcome.Rejected);
        return new Call
        {
            CampaignId = campaignId, ContactId = contactId, PhoneLineId = lineId, AttemptNumber = attempt,
            LaunchKey = Guid.NewGuid().ToString("N"), ProviderCallId = dialed ? Guid.NewGuid().ToString() : null,
            Status = outcome is CallOutcome.Talked or CallOutcome.Forwarded or CallOutcome.NoAnswer or CallOutcome.Busy or CallOutcome.Voicemail
                ? CallStatus.Ended : CallStatus.Failed,
            Outcome = outcome, EndedReason = endedReason, CreatedAt = createdAt, LaunchedAt = createdAt,
            StartedAt = duration is null ? null : createdAt.AddSeconds(5), EndedAt = createdAt.AddSeconds(5 + (duration ?? 0)),
            LastEventAt = createdAt.AddSeconds(6 + (duration ?? 0)), DurationSeconds = duration, Cost = cost, SuccessEvaluation = success,
        };
    }
}
