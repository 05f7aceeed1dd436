using System.Diagnostics;
using AutoLynx.Features.Calls;
using AutoLynx.Features.Engine;
using AutoLynx.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace AutoLynx.Tests.Integration;

/// <summary>
/// The leader's in-memory active call counts against a real database: rebuilt from it, raised by claims, lowered by
/// releases only when that is certainly right (never too low), and invalidated when something does not add up.
/// </summary>
public sealed class ActiveCallCountsTests
{
    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Rebuild_Claim_Release_NeverTooLow(Db db)
    {
        await using var app = AppHost.Start(db);
        // A campaign that is never started: its rows are ours to shape, the dispatcher leaves it alone.
        var campaign = await app.CreateCampaignAsync(AppHost.SampleCsv(4));
        var (line, contacts) = await app.WithDbAsync(async d => (
            await d.Campaigns.Where(c => c.Id == campaign).Select(c => c.PhoneLineId).SingleAsync(),
            await d.Contacts.Where(c => c.CampaignId == campaign).OrderBy(c => c.Id).Select(c => c.Id).ToListAsync()));
        var statuses = new[] { CallStatus.Launching, CallStatus.Queued, CallStatus.InProgress, CallStatus.Ended };
        await app.WithDbAsync(async d =>
        {
            for (var i = 0; i < statuses.Length; i++)
                d.Calls.Add(new Call
                {
                    CampaignId = campaign, ContactId = contacts[i], AttemptNumber = 1, PhoneLineId = line, LaunchKey = $"test-{campaign}-{i}",
                    Status = statuses[i], CreatedAt = DateTime.UtcNow,
                });
            return await d.SaveChangesAsync();
        });

        var counts = new ActiveCallCounts(NullLogger<ActiveCallCounts>.Instance);
        Assert.False(counts.IsValid);
        Assert.False(counts.CertainlyIdle(campaign));
        await app.WithDbAsync(async d => { await counts.RebuildAsync(d, term: 1, CancellationToken.None); return 0; });
        Assert.True(counts.IsCurrent(1));
        Assert.False(counts.IsCurrent(2)); // a new lease term needs a rebuild
        Assert.Equal(3, counts.Campaign(campaign)); // LAUNCHING, QUEUED and IN_PROGRESS are active; ENDED is not
        Assert.Equal(3, counts.Line(line));
        Assert.Equal(3, counts.Account);

        counts.Claimed(campaign, line, 2);
        Assert.Equal(5, counts.Campaign(campaign));

        // A release whose commit started before the snapshot may already be in it: ignored (too high at worst),
        // and a rebuild is due within a second instead of ten.
        var beforeSnapshot = Stopwatch.GetTimestamp() - Stopwatch.Frequency * 60;
        counts.Released(campaign, line, beforeSnapshot);
        Assert.Equal(5, counts.Campaign(campaign));
        Assert.True(counts.UntilReconcile() <= ActiveCallCounts.ReconcileSoon);

        // One that started after the snapshot is certainly not in it: counted off.
        counts.Released(campaign, line, Stopwatch.GetTimestamp());
        Assert.Equal(4, counts.Campaign(campaign));
        Assert.Equal(4, counts.Account);

        // More releases than counted calls: the counts are out of step and must be rebuilt, not driven below zero.
        for (var i = 0; i < 5; i++) counts.Released(campaign, line, Stopwatch.GetTimestamp());
        Assert.False(counts.IsValid);
        Assert.False(counts.CertainlyIdle(campaign));
        await app.WithDbAsync(async d => { await counts.RebuildAsync(d, term: 1, CancellationToken.None); return 0; });
        Assert.Equal(3, counts.Campaign(campaign));

        counts.Invalidate();
        Assert.False(counts.IsCurrent(1));
    }
}
