using System.Text.Json;
using AutoLynx.Features.Calls;
using AutoLynx.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Tests.Integration;

/// <summary>The whole flow through HTTP: CSV → campaign → start → simulator webhooks → COMPLETED, on both databases.</summary>
public sealed class CampaignFlowTests
{
    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Start_50ContactsCap5_CompletesEachContactCalledOnceNeverOver5(Db db)
    {
        await using var app = AppHost.Start(db);
        var id = await app.CreateCampaignAsync(AppHost.SampleCsv(50), cap: 5);

        var created = await app.GetJsonAsync($"api/campaigns/{id}");
        Assert.Equal("CREATED", created.GetProperty("status").GetString());
        Assert.Equal(50, created.GetProperty("counters").GetProperty("total").GetInt32());

        using (var start = await app.Http.PostAsync($"api/campaigns/{id}/start", null))
            Assert.Equal(200, (int)start.StatusCode);

        var done = await app.WaitForStatusAsync(id, "COMPLETED", TimeSpan.FromMinutes(3));
        var counters = done.GetProperty("counters");
        Assert.Equal(0, counters.GetProperty("active").GetInt32());
        Assert.Equal(0, counters.GetProperty("pending").GetInt32());
        Assert.Equal(50, counters.GetProperty("completed").GetInt32() + counters.GetProperty("failed").GetInt32());
        Assert.NotEqual(JsonValueKind.Null, done.GetProperty("completedAt").ValueKind);
        Assert.NotEqual(JsonValueKind.Null, done.GetProperty("startedAt").ValueKind);

        var calls = (await app.GetJsonAsync($"api/campaigns/{id}/calls")).EnumerateArray().ToList();
        Assert.Equal(50, calls.Count);
        Assert.All(calls, c =>
        {
            Assert.Contains(c.GetProperty("status").GetString(), new[] { "ENDED", "FAILED" });
            Assert.False(string.IsNullOrEmpty(c.GetProperty("providerCallId").GetString()));
            Assert.False(string.IsNullOrEmpty(c.GetProperty("endedReason").GetString()));
            Assert.NotEqual(JsonValueKind.Null, c.GetProperty("endedAt").ValueKind);
        });
        Assert.Equal(50, calls.Select(c => c.GetProperty("contactId").GetInt64()).Distinct().Count());

        // Judge by what the simulator saw, not by what the app says about itself.
        var stats = await app.SimStatsAsync();
        Assert.InRange(stats.GetProperty("maxConcurrentAccount").GetInt32(), 1, 5);
        var perNumber = stats.GetProperty("callsByCustomerNumber").EnumerateObject().ToList();
        Assert.Equal(50, perNumber.Count);
        Assert.All(perNumber, p => Assert.Equal(1, p.Value.GetInt32()));
        // And by the timestamps: at no instant were more than 5 of this campaign's calls live.
        var intervals = calls.Select(c => (Start: c.GetProperty("createdAt").GetDateTime(), End: c.GetProperty("endedAt").GetDateTime())).ToList();
        var maxOverlap = intervals.Max(a => intervals.Count(b => b.Start <= a.Start && b.End > a.Start));
        Assert.InRange(maxOverlap, 1, 5);

        // Results arrived through webhooks: end-of-call reports with cost, and call_events for every call.
        Assert.Contains(calls, c => c.GetProperty("cost").ValueKind == JsonValueKind.Number);
        var events = await app.WithDbAsync(d => d.CallEvents.Where(e => e.CampaignId == id).Select(e => e.Type).ToListAsync());
        Assert.True(events.Count(e => e == "end-of-call-report") >= 45, $"end-of-call-reports: {events.Count(e => e == "end-of-call-report")}");
        Assert.Equal(50, events.Count(e => e == "launch"));
    }

    [Fact]
    public async Task Start_BatchMode_NextBatchOnlyAfterPreviousTerminal()
    {
        await using var app = AppHost.Start(Db.Sqlite);
        var id = await app.CreateCampaignAsync(AppHost.SampleCsv(12), cap: 4, mode: "batch");
        await app.Http.PostAsync($"api/campaigns/{id}/start", null);
        await app.WaitForStatusAsync(id, "COMPLETED", TimeSpan.FromMinutes(2));

        var calls = await app.WithDbAsync(d => (from c in d.Calls join k in d.Contacts on c.ContactId equals k.Id
                                                where c.CampaignId == id select new { k.BatchIndex, c.CreatedAt, c.EndedAt }).ToListAsync());
        Assert.Equal(12, calls.Count);
        for (var batch = 1; batch < 3; batch++)
        {
            var previousEnd = calls.Where(c => c.BatchIndex == batch - 1).Max(c => c.EndedAt!.Value);
            var thisStart = calls.Where(c => c.BatchIndex == batch).Min(c => c.CreatedAt);
            Assert.True(thisStart >= previousEnd, $"batch {batch} started {thisStart:O} before batch {batch - 1} ended {previousEnd:O}");
        }
    }

    [Fact]
    public async Task Pause_StopsNewCalls_ResumeFinishes()
    {
        await using var app = AppHost.Start(Db.Sqlite, new Dictionary<string, string?> { ["Simulator:TimeScale"] = "0.01" });
        var id = await app.CreateCampaignAsync(AppHost.SampleCsv(30), cap: 3);
        await app.Http.PostAsync($"api/campaigns/{id}/start", null);
        using (var pause = await app.Http.PostAsync($"api/campaigns/{id}/pause", null)) Assert.Equal(200, (int)pause.StatusCode);
        await Task.Delay(300);
        var placedAtPause = await app.WithDbAsync(d => d.Calls.CountAsync(c => c.CampaignId == id));
        Assert.InRange(placedAtPause, 0, 3);
        // Live calls finish while paused; nothing new is placed.
        var until = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < until && await app.WithDbAsync(d => d.Calls.CountAsync(c => c.CampaignId == id && Call.ActiveStatuses.Contains(c.Status))) > 0)
            await Task.Delay(200);
        Assert.Equal(placedAtPause, await app.WithDbAsync(d => d.Calls.CountAsync(c => c.CampaignId == id)));
        Assert.Equal("PAUSED", (await app.GetJsonAsync($"api/campaigns/{id}")).GetProperty("status").GetString());

        using (var resume = await app.Http.PostAsync($"api/campaigns/{id}/resume", null)) Assert.Equal(200, (int)resume.StatusCode);
        await app.WaitForStatusAsync(id, "COMPLETED", TimeSpan.FromMinutes(3));
    }
}
