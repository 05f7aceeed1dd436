using AutoLynx.Features.Calls;
using AutoLynx.Features.Engine;
using AutoLynx.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Tests.Integration;

/// <summary>
/// A leader that lost its lease (another instance took it while this one was paused) must not act: every leader write
/// is fenced by a check of the lease row inside its transaction (on PostgreSQL a FOR KEY SHARE lock that a takeover's
/// FOR UPDATE waits for). The lease renewal is slowed right down here, so only the fence can stop the old leader.
/// </summary>
public sealed class LeaseFencingTests
{
    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task LeaseStolenMidRun_OldLeaderAppliesNothingAndDialsNoOne(Db db)
    {
        await using var app = AppHost.Start(db, new Dictionary<string, string?>
        {
            ["Dialer:LeaseTtl"] = "00:10:00",
            ["Dialer:LeaseRenewEvery"] = "00:05:00",
            ["Simulator:TimeScale"] = "0.01",
        });
        var id = await app.CreateCampaignAsync(AppHost.SampleCsv(40), cap: 3);
        await app.Http.PostAsync($"api/campaigns/{id}/start", null);
        await WaitUntilAsync(() => app.WithDbAsync(d => d.Calls.CountAsync(c => c.CampaignId == id && c.Status == CallStatus.Ended)), n => n >= 2);

        // Another instance takes the lease, as if this one had been frozen past its expiry. On PostgreSQL it locks the row
        // FOR UPDATE first, as EngineLease's takeover does: that waits for the old leader's fenced writes under way.
        await app.WithDbAsync(async d =>
        {
            await using var tx = await d.Database.BeginTransactionAsync();
            if (db == Db.Postgres) await d.Database.ExecuteSqlRawAsync($"SELECT 1 FROM leases WHERE name = '{EngineLease.Name}' FOR UPDATE");
            var n = await d.Leases.Where(l => l.Name == EngineLease.Name)
                .ExecuteUpdateAsync(s => s.SetProperty(l => l.Owner, "thief").SetProperty(l => l.ExpiresAt, DateTime.UtcNow.AddHours(1)));
            await tx.CommitAsync();
            return n;
        });
        var rowsAtSteal = await SnapshotAsync(app, id);
        var inboxAtSteal = await app.WithDbAsync(d => d.WebhookInbox.CountAsync());

        // Webhooks keep coming (the live calls go on at the provider): they are stored, never applied by the old leader.
        // (Counted from the steal on: under load a few webhooks can already be waiting in the inbox at that moment. Only
        // status updates and end-of-call reports are stored, so one live call at the steal brings at least two: its
        // "ended" and its report.)
        await WaitUntilAsync(() => app.WithDbAsync(d => d.WebhookInbox.CountAsync()), n => n >= inboxAtSteal + 2);

        Assert.False(app.Service<EngineLease>().IsLeader);
        Assert.Equal(rowsAtSteal, await SnapshotAsync(app, id));
        Assert.True(await app.WithDbAsync(d => d.WebhookInbox.CountAsync(w => w.ProcessedAt == null)) >= 2);
        // Every call the provider saw had its call row written before the lease was stolen: no dial after it.
        var placed = (await app.SimStatsAsync()).GetProperty("callsByCustomerNumber").EnumerateObject().Sum(p => p.Value.GetInt32());
        Assert.InRange(placed, 1, rowsAtSteal.Count(r => r.StartsWith("call ", StringComparison.Ordinal)));
        Assert.Equal("thief", await app.WithDbAsync(d => d.Leases.Where(l => l.Name == EngineLease.Name).Select(l => l.Owner).FirstAsync()));
    }

    private static Task<List<string>> SnapshotAsync(AppHost app, long campaignId) => app.WithDbAsync(async d =>
    {
        var calls = await d.Calls.AsNoTracking().Where(c => c.CampaignId == campaignId).OrderBy(c => c.Id)
            .Select(c => new { c.Id, c.Status, c.ProviderCallId, c.LastEventAt, c.EndedReason }).ToListAsync();
        var contacts = await d.Contacts.AsNoTracking().Where(c => c.CampaignId == campaignId).OrderBy(c => c.Id)
            .Select(c => new { c.Id, c.State, c.Attempts }).ToListAsync();
        return calls.Select(c => $"call {c.Id} {c.Status} {c.ProviderCallId} {c.LastEventAt:O} {c.EndedReason}")
            .Concat(contacts.Select(c => $"contact {c.Id} {c.State} {c.Attempts}")).ToList();
    });

    /// <summary>Polls until the condition holds; fails after a generous minute (a hang, not a timing judgement).</summary>
    private static async Task WaitUntilAsync(Func<Task<int>> read, Func<int, bool> done)
    {
        var until = DateTime.UtcNow.AddMinutes(1);
        int last;
        while (!done(last = await read()))
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"condition not reached; last value {last}");
            await Task.Delay(50);
        }
    }
}
