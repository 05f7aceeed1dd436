using System.Data;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AutoLynx.Data;
using AutoLynx.Features.Calls;
using AutoLynx.Features.Campaigns;
using AutoLynx.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Tests.Integration;

/// <summary>
/// The cached counts (<c>campaign_counts</c>, kept by triggers) never drift: after a campaign run through Vapi's bad days
/// (duplicate, reordered and dropped webhooks, 500s after create, 429s, late creates, retries), after contacts are added
/// to a running campaign, after Stop and its live calls ending, after duplicate and delete, they equal a fresh GROUP BY
/// of the contacts and calls, read in the same snapshot.
/// </summary>
public sealed class CampaignCountsTests
{
    private const string Retried = """{"retry": {"outcomes": ["busy", "no-answer"], "delays": ["00:01:00"], "maxAttempts": 2}}""";

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task CachedCounts_FaultyRunAddContactsStopDuplicateDelete_EqualFreshGroupBy(Db db)
    {
        await using var app = AppHost.Start(db, new Dictionary<string, string?>
        {
            ["Simulator:Faults:RateDuplicateWebhook"] = "0.3",
            ["Simulator:Faults:RateReorderWebhook"] = "0.3",
            ["Simulator:Faults:RateDropWebhook"] = "0.15",
            ["Simulator:Faults:Rate500AfterCreate"] = "0.15",
            ["Simulator:Faults:Rate429"] = "0.15",
            ["Simulator:Faults:RateLateCreate"] = "0.1",
            ["Dialer:StuckAfter"] = "00:00:03",
            ["Vapi:RequestTimeout"] = "00:00:02",
        });
        var faulty = await app.CreateCampaignAsync(AppHost.SampleCsv(24), cap: 4, name: "Faulty", policy: Retried);
        var stopped = await app.CreateCampaignAsync(AppHost.SampleCsv(20, firstNumber: 500), cap: 2, name: "Stopped");
        await AssertCountsExactAsync(app, "after the imports");

        (await app.Http.PostAsync($"api/campaigns/{faulty}/start", null)).EnsureSuccessStatusCode();
        (await app.Http.PostAsync($"api/campaigns/{stopped}/start", null)).EnsureSuccessStatusCode();
        await AppHost.WaitUntilAsync(() => EndedCallsAsync(app, faulty), n => n >= 6, TimeSpan.FromMinutes(2), "six ended calls");
        await AssertCountsExactAsync(app, "mid-run");

        // Contacts added to the running campaign are counted at once, and called.
        using (var added = await app.Http.PostAsync($"api/campaigns/{faulty}/contacts", AppHost.Multipart(AppHost.SampleCsv(6, firstNumber: 300))))
            Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        await AssertCountsExactAsync(app, "after add contacts");

        await AppHost.WaitUntilAsync(() => EndedCallsAsync(app, stopped), n => n >= 2, TimeSpan.FromMinutes(2), "two ended calls of the stopped one");
        using (var stop = await app.Http.PostAsync($"api/campaigns/{stopped}/stop", null))
            Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
        await AssertCountsExactAsync(app, "right after Stop");

        var done = await app.WaitForStatusAsync(faulty, "COMPLETED", TimeSpan.FromMinutes(4));
        Assert.Equal(30, done.GetProperty("counters").GetProperty("total").GetInt32());
        Assert.Equal(30, done.GetProperty("counters").GetProperty("completed").GetInt32() + done.GetProperty("counters").GetProperty("failed").GetInt32());
        await AppHost.WaitUntilAsync(() => app.WithDbAsync(d => d.Calls.CountAsync(c => c.CampaignId == stopped && Call.ActiveStatuses.Contains(c.Status))),
            n => n == 0, TimeSpan.FromMinutes(2), "the stopped campaign's live calls to end");
        await AssertCountsExactAsync(app, "at the end");

        // What the API shows is what the counts say: the stopped campaign's unreached contacts, its calls.
        var summary = (await app.GetJsonAsync($"api/campaigns/{stopped}")).GetProperty("counters");
        var fresh = await app.WithDbAsync(async d => new
        {
            Total = await d.Contacts.CountAsync(c => c.CampaignId == stopped),
            Pending = await d.Contacts.CountAsync(c => c.CampaignId == stopped && c.State == Features.Contacts.ContactState.Pending),
            Skipped = await d.Contacts.CountAsync(c => c.CampaignId == stopped && c.State == Features.Contacts.ContactState.Skipped),
            Placed = await d.Calls.CountAsync(c => c.CampaignId == stopped && c.ProviderCallId != null && c.Outcome != CallOutcome.ConcurrencyLimited),
        });
        Assert.Equal(fresh.Total, summary.GetProperty("total").GetInt32());
        Assert.Equal(fresh.Pending, summary.GetProperty("pending").GetInt32());
        Assert.Equal(fresh.Skipped, summary.GetProperty("skipped").GetInt32());
        Assert.Equal(fresh.Placed, summary.GetProperty("callsPlaced").GetInt32());
        Assert.Equal(0, summary.GetProperty("active").GetInt32());
        var page = await app.GetJsonAsync($"api/campaigns/{faulty}/contacts?pageSize=5&status=completed");
        Assert.Equal(done.GetProperty("counters").GetProperty("completed").GetInt32(), page.GetProperty("total").GetInt32());

        // A copy is counted as it is written; a deleted campaign leaves no counts behind.
        using var dup = await app.Http.PostAsync($"api/campaigns/{faulty}/duplicate", null);
        Assert.Equal(HttpStatusCode.Created, dup.StatusCode);
        var copy = (await dup.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("campaignId").GetInt64();
        await AssertCountsExactAsync(app, "after duplicate");
        Assert.Equal(30, (await app.GetJsonAsync($"api/campaigns/{copy}")).GetProperty("counters").GetProperty("pending").GetInt32());
        using (var delete = await app.Http.DeleteAsync($"api/campaigns/{copy}"))
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(0, await app.WithDbAsync(d => d.CampaignCounts.CountAsync(k => k.CampaignId == copy)));
        await AssertCountsExactAsync(app, "after delete");

        if (db == Db.Postgres)
        {
            // Folding the appended rows keeps every sum and leaves one row per key.
            await app.Service<CampaignCountCompactor>().CompactAsync(CancellationToken.None);
            await AssertCountsExactAsync(app, "after folding");
            var rowsPerKey = await app.WithDbAsync(d => d.CampaignCounts.GroupBy(k => new { k.CampaignId, k.Subject, k.State, k.Outcome, k.Accepted })
                .Select(g => g.Count()).MaxAsync());
            Assert.Equal(1, rowsPerKey);
        }
    }

    private static Task<int> EndedCallsAsync(AppHost app, long campaignId)
        => app.WithDbAsync(d => d.Calls.CountAsync(c => c.CampaignId == campaignId && !Call.ActiveStatuses.Contains(c.Status)));

    /// <summary>The cached counts, each key summed, equal a GROUP BY of the contacts and calls, both read in one snapshot.</summary>
    private static async Task AssertCountsExactAsync(AppHost app, string when)
    {
        var (cached, fresh) = await app.WithDbAsync(async d =>
        {
            await using var tx = await SnapshotAsync(d);
            var counts = await d.CampaignCounts.AsNoTracking().ToListAsync();
            var contacts = await d.Contacts.AsNoTracking().Select(c => new { c.CampaignId, c.State, c.LastOutcome }).ToListAsync();
            var calls = await d.Calls.AsNoTracking().Select(c => new { c.CampaignId, c.Status, c.Outcome, c.ProviderCallId, c.Cost }).ToListAsync();
            var cachedKeys = counts.GroupBy(k => $"{k.CampaignId} {k.Subject} {k.State} {k.Outcome} {k.Accepted}")
                .Select(g => (g.Key, N: g.Sum(k => k.N), Cost: g.Sum(k => k.CostMicros))).Where(k => k.N != 0 || k.Cost != 0);
            var freshKeys = contacts.GroupBy(c => $"{c.CampaignId} contact {c.State} {c.LastOutcome} False").Select(g => (g.Key, N: (long)g.Count(), Cost: 0L))
                .Concat(calls.GroupBy(c => $"{c.CampaignId} call {c.Status} {c.Outcome} {c.ProviderCallId != null && c.Outcome != CallOutcome.ConcurrencyLimited}")
                    .Select(g => (g.Key, N: (long)g.Count(), Cost: g.Sum(c => (long)Math.Round((c.Cost ?? 0m) * 1_000_000m)))));
            return (cachedKeys.OrderBy(k => k.Key, StringComparer.Ordinal).ToList(), freshKeys.OrderBy(k => k.Key, StringComparer.Ordinal).ToList());
        });
        Assert.True(fresh.Count > 0, $"{when}: nothing to count");
        Assert.True(fresh.SequenceEqual(cached), $"{when}: cached counts differ from a fresh count.\nfresh:  {string.Join("; ", fresh)}\ncached: {string.Join("; ", cached)}");
    }

    /// <summary>A read-only transaction that sees one moment while the engine writes on (SQLite: deferred, so it takes no write lock).</summary>
    private static async Task<IAsyncDisposable> SnapshotAsync(AppDbContext d)
    {
        if (!d.Database.IsSqlite()) return await d.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead);
        await d.Database.OpenConnectionAsync();
        var tx = ((SqliteConnection)d.Database.GetDbConnection()).BeginTransaction(deferred: true);
        await d.Database.UseTransactionAsync(tx);
        return tx;
    }
}
