using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using AutoLynx.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Xunit.Abstractions;

namespace AutoLynx.Tests.Integration;

/// <summary>Issue 16, US-5.4: metrics behind admin or scrape token, one trace per webhook, readiness that tells Vapi and webhook trouble apart.</summary>
public sealed class ObservabilityTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Metrics_ScrapeTokenOrAdmin_EngineMetersExposed_OthersRefused()
    {
        const string scrape = "scrape-token-for-test-0123456789";
        await using var app = AppHost.Start(Db.Sqlite, AppHost.OutcomesOnly("Talked", new Dictionary<string, string?> { ["Metrics:ScrapeToken"] = scrape }));
        // More contacts than the cap: freed slots get refilled, so the refill histogram has samples.
        var id = await app.CreateCampaignAsync(AppHost.SampleCsv(4), cap: 2);
        await app.Http.PostAsync($"api/campaigns/{id}/start", null);
        await app.WaitForStatusAsync(id, "COMPLETED", TimeSpan.FromMinutes(2));
        // A webhook with the wrong secret: counted as a verification failure.
        using (var bad = new HttpRequestMessage(HttpMethod.Post, "api/webhooks/vapi") { Content = JsonContent.Create(new { message = new { type = "status-update" } }) })
        {
            bad.Headers.Add("X-Vapi-Secret", "wrong");
            using var refused = await app.Anonymous().SendAsync(bad);
            Assert.Equal(401, (int)refused.StatusCode);
        }

        using var scraper = app.WithToken(scrape);
        using var resp = await scraper.GetAsync("metrics");
        Assert.Equal(200, (int)resp.StatusCode);
        var text = await resp.Content.ReadAsStringAsync();
        output.WriteLine(string.Join('\n', text.Split('\n').Where(l => l.StartsWith("# TYPE autolynx", StringComparison.Ordinal))));
        foreach (var name in new[]
                 {
                     "autolynx_webhook_received_total", "autolynx_webhook_rejected_total", "autolynx_dispatch_refill_milliseconds_bucket",
                     "autolynx_inbox_backlog", "autolynx_inbox_oldest_age_seconds", "autolynx_lease_leader", "http_server_request_duration_seconds_bucket",
                     "http_client_request_duration_seconds_bucket",
                 })
            Assert.True(text.Contains(name, StringComparison.Ordinal), $"{name} missing from /metrics:\n{text[..Math.Min(3000, text.Length)]}");
        Assert.Contains("reason=\"verification\"", text);

        // The admin's API token works too; nobody else.
        using (var admin = await app.Http.GetAsync("metrics")) Assert.Equal(200, (int)admin.StatusCode);
        using (var anon = await app.Anonymous().GetAsync("metrics")) Assert.Equal(401, (int)anon.StatusCode);
        using (var wrong = await app.WithToken(scrape + "x").GetAsync("metrics")) Assert.Equal(401, (int)wrong.StatusCode);
        var (operatorApi, _, _) = await app.SignUpAsync("op@example.com");
        using (var op = await operatorApi.GetAsync("metrics")) Assert.Equal(403, (int)op.StatusCode);
    }

    /// <summary>
    /// The app's own tracer provider (an in-memory exporter added to it) records: the webhook request's server span, the
    /// apply of the row it stored as that span's child (the inbox carried the traceparent), and the live update's publish
    /// as the apply's child, with the database spans of the apply beneath it.
    /// </summary>
    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Webhook_OneTrace_IntakeApplyLivePublish(Db db)
    {
        var spans = new List<Activity>();
        await using var app = AppHost.Start(db, AppHost.OutcomesOnly("Talked"),
            services => services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans)));
        var id = await app.CreateCampaignAsync(AppHost.SampleCsv(2), cap: 2);
        await app.Http.PostAsync($"api/campaigns/{id}/start", null);
        await app.WaitForStatusAsync(id, "COMPLETED", TimeSpan.FromMinutes(2));

        Activity[] all;
        lock (spans) all = spans.ToArray();
        // Other tests' hosts share this process and its ActivitySources: keep this host's webhook requests only.
        var port = app.BaseUrl.Port;
        var intakes = all.Where(a => a.Kind == ActivityKind.Server && a.GetTagItem("url.path") as string == "/api/webhooks/vapi"
                                     && Equals(a.GetTagItem("server.port"), port)).ToList();
        Assert.NotEmpty(intakes);
        var byParent = all.Where(a => a.ParentSpanId != default).ToLookup(a => (a.TraceId, a.ParentSpanId));
        var chains = intakes.SelectMany(i => byParent[(i.TraceId, i.SpanId)].Where(a => a.OperationName == "webhook.apply")
            .SelectMany(apply => byParent[(apply.TraceId, apply.SpanId)].Where(p => p.OperationName == "live.publish").Select(p => (i, apply, p)))).ToList();
        output.WriteLine($"{intakes.Count} webhook requests, {chains.Count} intake → apply → publish chains");
        Assert.NotEmpty(chains);
        var (intake, applied, publish) = chains[0];
        Assert.Equal(intake.TraceId, publish.TraceId);
        Assert.Equal(id, Convert.ToInt64(publish.GetTagItem("autolynx.campaign.id")));
        // The apply's database work is in the same trace (Npgsql's own spans, or EF Core's on SQLite).
        var dbSpans = byParent[(applied.TraceId, applied.SpanId)].Where(a => a.Kind == ActivityKind.Client && a.Tags.Any(t => t.Key.StartsWith("db.", StringComparison.Ordinal))).ToList();
        Assert.NotEmpty(dbSpans);
        output.WriteLine($"apply {applied.SpanId}: {dbSpans.Count} database spans, e.g. {dbSpans[0].Source.Name} {dbSpans[0].DisplayName}");
    }

    [Fact]
    public async Task Readyz_WebhooksDropped_DegradedWithServerUrlHint_OnCampaignToo()
    {
        // Calls last long enough at the provider, the reconciler waits long: only the missing webhooks can tell.
        await using var app = AppHost.Start(Db.Sqlite, AppHost.OutcomesOnly("Talked", new Dictionary<string, string?>
        {
            ["Vapi:WebhookStaleAfter"] = "00:00:02", ["Dialer:StuckAfter"] = "01:00:00",
        }));
        var ready = await app.GetJsonAsync("readyz");
        Assert.Equal("ready", ready.GetProperty("status").GetString());
        Assert.Equal("idle", ready.GetProperty("checks").GetProperty("webhooks").GetProperty("status").GetString());
        Assert.Equal("ok", ready.GetProperty("checks").GetProperty("vapi").GetProperty("status").GetString());

        await app.SimConfigAsync(new { faults = new { rateDropWebhook = 1.0 } });
        var id = await app.CreateCampaignAsync(AppHost.SampleCsv(2), cap: 2);
        await app.Http.PostAsync($"api/campaigns/{id}/start", null);

        var stale = await AppHost.WaitUntilAsync(() => app.GetJsonAsync("readyz"),
            r => r.GetProperty("checks").GetProperty("webhooks").GetProperty("status").GetString() == "stale", TimeSpan.FromMinutes(1), "webhooks stale");
        using (var raw = await app.Anonymous().GetAsync("readyz")) Assert.Equal(200, (int)raw.StatusCode); // degraded, still in the load balancer
        Assert.Equal("degraded", stale.GetProperty("status").GetString());
        var webhooks = stale.GetProperty("checks").GetProperty("webhooks");
        Assert.Contains("server URL", webhooks.GetProperty("detail").GetString());
        Assert.Equal(2, webhooks.GetProperty("callsWithoutWebhook").GetInt32());
        Assert.Equal(JsonValueKind.Null, webhooks.GetProperty("lastReceivedAt").ValueKind);

        var campaign = await app.GetJsonAsync($"api/campaigns/{id}");
        Assert.Equal("stale", campaign.GetProperty("webhooks").GetProperty("status").GetString());
        Assert.Contains("server URL", campaign.GetProperty("webhooks").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Readyz_WebhooksArrived_LastReceivedKeptWhenInboxPruned()
    {
        await using var app = AppHost.Start(Db.Sqlite, AppHost.OutcomesOnly("Talked", new Dictionary<string, string?> { ["Vapi:WebhookStaleAfter"] = "00:00:02" }));
        var id = await app.CreateCampaignAsync(AppHost.SampleCsv(2), cap: 2);
        await app.Http.PostAsync($"api/campaigns/{id}/start", null);
        await app.WaitForStatusAsync(id, "COMPLETED", TimeSpan.FromMinutes(2));

        // The shared heartbeat row is written within seconds; then the inbox is pruned to nothing.
        var stored = await AppHost.WaitUntilAsync(() => app.WithDbAsync(d => d.Heartbeats.AsNoTracking().Select(h => h.At).FirstAsync()),
            at => at is not null, TimeSpan.FromSeconds(30), "heartbeat written");
        await app.WithDbAsync(d => d.WebhookInbox.ExecuteDeleteAsync());
        var r = await app.GetJsonAsync("readyz");
        Assert.Equal("ready", r.GetProperty("status").GetString());
        var webhooks = r.GetProperty("checks").GetProperty("webhooks");
        Assert.Equal("idle", webhooks.GetProperty("status").GetString());
        Assert.True(webhooks.GetProperty("lastReceivedAt").GetDateTime() >= stored!.Value.AddSeconds(-1));
        var campaign = await app.GetJsonAsync($"api/campaigns/{id}");
        Assert.False(campaign.GetProperty("webhooks").GetProperty("stale").GetBoolean());
    }

    [Theory]
    [InlineData(503, "unreachable")]
    [InlineData(401, "unauthorized")]
    public async Task Readyz_VapiFailing_DegradedWithVapiStatus(int status, string expected)
    {
        await using var app = AppHost.Start(Db.Sqlite, new Dictionary<string, string?> { ["Vapi:ProbeEvery"] = "00:00:00" });
        Assert.Equal("ok", (await app.GetJsonAsync("readyz")).GetProperty("checks").GetProperty("vapi").GetProperty("status").GetString());
        await app.ScriptFaultAsync(status, "/phone-number", "GET", count: 50);
        var r = await app.GetJsonAsync("readyz");
        Assert.Equal("degraded", r.GetProperty("status").GetString());
        Assert.Equal(expected, r.GetProperty("checks").GetProperty("vapi").GetProperty("status").GetString());
        Assert.Equal("ok", r.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
    }
}
