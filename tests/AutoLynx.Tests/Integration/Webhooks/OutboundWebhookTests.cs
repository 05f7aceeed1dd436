using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AutoLynx.Features.Webhooks;
using AutoLynx.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Tests.Integration.Webhooks;

/// <summary>
/// Outbound webhooks against the real app and a real receiver on a loopback port: every call.ended arrives signed
/// (verified with the StandardWebhooks library), a failing receiver gets everything later and in order, an endpoint
/// failing for a day is disabled, the secret is shown once, and the SSRF guard refuses private targets.
/// </summary>
public sealed class OutboundWebhookTests
{
    public static readonly Dictionary<string, string?> FastRetries = new()
    {
        ["Webhooks:AllowPrivateTargets"] = "true", ["Webhooks:RetryBaseDelay"] = "00:00:00.100", ["Webhooks:RetryMaxDelay"] = "00:00:00.400",
        ["Webhooks:PollInterval"] = "00:00:00.100",
    };

    /// <summary>Registers the receiver for every event; returns the endpoint id (the receiver gets the secret).</summary>
    public static async Task<long> RegisterAsync(HttpClient admin, WebhookReceiver receiver, params string[] events)
    {
        using var resp = await admin.PostAsJsonAsync("api/webhook-endpoints", new { url = receiver.Url.ToString(), events = events.Length == 0 ? ["*"] : events });
        var body = await resp.Content.ReadAsStringAsync();
        Assert.True(resp.StatusCode == HttpStatusCode.Created, body);
        var json = JsonDocument.Parse(body).RootElement;
        var secret = json.GetProperty("secret").GetString()!;
        Assert.StartsWith("whsec_", secret);
        Assert.Equal(32, Convert.FromBase64String(secret["whsec_".Length..]).Length);
        receiver.Secret = secret;
        return json.GetProperty("id").GetInt64();
    }

    /// <summary>The campaign's calls that ended with a result (not those never placed or refused for the account's limit).</summary>
    public static List<long> EndedCallIds(JsonElement calls) => calls.EnumerateArray()
        .Where(c => c.GetProperty("outcome").ValueKind == JsonValueKind.String
                    && c.GetProperty("outcome").GetString() is not ("not-placed" or "concurrency-limited"))
        .Select(c => c.GetProperty("id").GetInt64()).ToList();

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Deliver_CampaignRun_EveryCallEndedArrivesSignedWithTheFullResult(Db db)
    {
        await using var receiver = new WebhookReceiver();
        await using var app = AppHost.Start(db, FastRetries);
        var endpoint = await RegisterAsync(app.Http, receiver);

        // The secret is shown once: neither the list nor the endpoint's own page carries it.
        var list = await app.Http.GetStringAsync("api/webhook-endpoints");
        var one = await app.Http.GetStringAsync($"api/webhook-endpoints/{endpoint}");
        Assert.DoesNotContain(receiver.Secret!, list);
        Assert.DoesNotContain("secret", one, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(receiver.Secret!["whsec_".Length..], await app.WithDbAsync(d => d.WebhookEndpoints.Select(e => e.ProtectedSecret).FirstAsync()));

        var campaign = await app.CreateCampaignAsync(AppHost.SampleCsv(8), cap: 4);
        (await app.Http.PostAsync($"api/campaigns/{campaign}/start", null)).EnsureSuccessStatusCode();
        await app.WaitForStatusAsync(campaign, "COMPLETED", TimeSpan.FromMinutes(2));
        await AppHost.WaitUntilAsync(() => Task.FromResult(receiver.Accepted().Count(r => r.Type == "campaign.completed")), n => n == 1, what: "campaign.completed");

        var accepted = receiver.Accepted();
        Assert.All(receiver.Requests, r => Assert.True(r.SignatureValid, r.VerifyError));
        var calls = await app.GetJsonAsync($"api/campaigns/{campaign}/calls");
        var ended = EndedCallIds(calls);
        Assert.Equal(8, ended.Count);
        var callEnded = accepted.Where(r => r.Type == "call.ended").ToList();
        Assert.Equal(ended.Order(), callEnded.Select(r => r.Json.GetProperty("data").GetProperty("call").GetProperty("id").GetInt64()).Order());
        Assert.Equal("campaign.started", accepted[0].Type);
        Assert.Equal("campaign.completed", accepted[^1].Type);
        foreach (var r in callEnded)
        {
            var data = r.Json.GetProperty("data");
            var call = data.GetProperty("call");
            var view = calls.EnumerateArray().Single(c => c.GetProperty("id").GetInt64() == call.GetProperty("id").GetInt64());
            Assert.True(view.GetProperty("outcome").GetString() == call.GetProperty("outcome").GetString(), $"api {view} hook {call}");
            Assert.Equal(view.GetProperty("endedReason").GetString(), call.GetProperty("endedReason").GetString());
            Assert.Equal(view.GetProperty("durationSeconds").ToString(), call.GetProperty("durationSeconds").ToString());
            Assert.Equal(view.GetProperty("summary").ToString(), call.GetProperty("summary").ToString());
            Assert.Equal(view.GetProperty("recordingUrl").ToString(), call.GetProperty("recordingUrl").ToString());
            Assert.True(call.TryGetProperty("successEvaluation", out _) && call.TryGetProperty("structuredData", out _) && call.TryGetProperty("cost", out _));
            var contact = data.GetProperty("contact");
            Assert.Equal(view.GetProperty("contactId").GetInt64(), contact.GetProperty("id").GetInt64());
            Assert.StartsWith("Town ", contact.GetProperty("variables").GetProperty("city").GetString());
            Assert.StartsWith("+1415555", contact.GetProperty("phone").GetString());
        }

        // The log shows each message delivered, with its response code and latency.
        var messages = await app.GetJsonAsync($"api/webhook-endpoints/{endpoint}/messages?pageSize=500");
        Assert.All(messages.GetProperty("items").EnumerateArray(), m =>
        {
            Assert.Equal("delivered", m.GetProperty("status").GetString());
            Assert.Equal(200, m.GetProperty("lastResponseCode").GetInt32());
            Assert.True(m.GetProperty("lastLatencyMs").GetDouble() >= 0);
        });
    }

    [Fact]
    public async Task Deliver_ReceiverFailsForAWhile_EveryEventArrivesLaterInCampaignOrder()
    {
        await using var receiver = new WebhookReceiver { Answer = n => n <= 12 ? 500 : 200 };
        await using var app = AppHost.Start(Db.Sqlite, FastRetries);
        var endpoint = await RegisterAsync(app.Http, receiver);
        var campaign = await app.CreateCampaignAsync(AppHost.SampleCsv(6), cap: 3);
        (await app.Http.PostAsync($"api/campaigns/{campaign}/start", null)).EnsureSuccessStatusCode();
        await app.WaitForStatusAsync(campaign, "COMPLETED", TimeSpan.FromMinutes(2));
        await AppHost.WaitUntilAsync(() => Task.FromResult(receiver.Accepted().Count(r => r.Type == "campaign.completed")), n => n == 1, what: "campaign.completed");

        Assert.Contains(receiver.Requests, r => r.Answered == 500);
        var accepted = receiver.Accepted();
        var calls = EndedCallIds(await app.GetJsonAsync($"api/campaigns/{campaign}/calls"));
        Assert.Equal(calls.Order(), accepted.Where(r => r.Type == "call.ended")
            .Select(r => r.Json.GetProperty("data").GetProperty("call").GetProperty("id").GetInt64()).Order());
        // In order: the receiver accepted the campaign's messages in the order they were written to the outbox.
        var order = await app.WithDbAsync(d => d.WebhookOutbox.ToDictionaryAsync(m => m.MessageId, m => m.Id));
        var ids = accepted.Select(r => order[r.Id]).ToList();
        Assert.Equal(ids.Order(), ids);
        // Nothing was accepted twice, and the log kept the failed attempts.
        Assert.Equal(accepted.Count, receiver.Requests.Where(r => r.Answered == 200).Select(r => r.Id).Distinct().Count());
        var deliveries = await app.GetJsonAsync($"api/webhook-endpoints/{endpoint}/deliveries?pageSize=500");
        Assert.Equal(12, deliveries.GetProperty("items").EnumerateArray().Count(d => d.GetProperty("responseCode").GetInt32() == 500));
    }

    [Fact]
    public async Task Deliver_FailingForADay_EndpointDisabledAuditedAndRedeliverable()
    {
        var clock = new MovableClock(DateTimeOffset.UtcNow);
        await using var receiver = new WebhookReceiver { Answer = _ => 500 };
        await using var app = AppHost.Start(Db.Sqlite, FastRetries, clock.Install);
        var endpoint = await RegisterAsync(app.Http, receiver, "contact.dnc_added");
        (await app.Http.PostAsJsonAsync("api/dnc", new { number = "+14155550199", reason = "asked" })).EnsureSuccessStatusCode();
        await AppHost.WaitUntilAsync(() => Task.FromResult(receiver.Requests.Count), n => n >= 2, what: "two failed attempts");
        var before = await app.GetJsonAsync($"api/webhook-endpoints/{endpoint}");
        Assert.True(before.GetProperty("enabled").GetBoolean());
        Assert.Equal(JsonValueKind.String, before.GetProperty("failingSince").ValueKind);

        // A day later (fake time) the next failure gives the message up and switches the endpoint off.
        clock.MoveTo(DateTimeOffset.UtcNow.AddHours(25));
        var after = await AppHost.WaitUntilAsync(() => app.GetJsonAsync($"api/webhook-endpoints/{endpoint}"),
            e => !e.GetProperty("enabled").GetBoolean(), what: "endpoint disabled");
        Assert.Contains("failed", after.GetProperty("disabledReason").GetString());
        Assert.True(await app.WithDbAsync(d => d.AuditLog.AnyAsync(a => a.Action == "webhook.endpoint.disabled" && a.EntityId == endpoint.ToString())));
        var message = (await app.GetJsonAsync($"api/webhook-endpoints/{endpoint}/messages")).GetProperty("items")[0];
        Assert.Equal("failed", message.GetProperty("status").GetString());
        var id = message.GetProperty("id").GetInt64();

        // Redeliver is refused while the endpoint is off; once it is on again the message arrives, same webhook-id.
        Assert.Equal(HttpStatusCode.Conflict, (await app.Http.PostAsync($"api/webhook-endpoints/{endpoint}/messages/{id}/redeliver", null)).StatusCode);
        receiver.Answer = _ => 204;
        (await app.Http.PatchAsJsonAsync($"api/webhook-endpoints/{endpoint}", new { enabled = true })).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Accepted, (await app.Http.PostAsync($"api/webhook-endpoints/{endpoint}/messages/{id}/redeliver", null)).StatusCode);
        await AppHost.WaitUntilAsync(() => app.GetJsonAsync($"api/webhook-endpoints/{endpoint}/messages"),
            m => m.GetProperty("items")[0].GetProperty("status").GetString() == "delivered", what: "redelivered");
        var got = receiver.Accepted().Single();
        Assert.Equal(message.GetProperty("messageId").GetString(), got.Id);
        Assert.Equal("+14155550199", got.Json.GetProperty("data").GetProperty("entry").GetProperty("number").GetString());
        Assert.Single(receiver.Requests.Select(r => r.Id).Distinct());
    }

    [Theory]
    [InlineData("http://127.0.0.1:9/hook", "loopback")]
    [InlineData("http://localhost:9/hook", "loopback")]
    [InlineData("http://[::1]:9/hook", "loopback")]
    [InlineData("http://10.1.2.3/hook", "private")]
    [InlineData("http://192.168.0.10/hook", "private")]
    [InlineData("http://169.254.169.254/latest/meta-data", "link-local")]
    [InlineData("ftp://example.com/hook", "Only http and https")]
    [InlineData("not a url", "absolute")]
    public async Task Create_PrivateOrNonHttpTarget_Refused400WithTheReason(string url, string reason)
    {
        await using var app = AppHost.Start(Db.Sqlite);
        using var resp = await app.Http.PostAsJsonAsync("api/webhook-endpoints", new { url, events = new[] { "call.ended" } });
        var body = await resp.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, resp.StatusCode);
        Assert.Contains(reason, body);
        Assert.Equal("application/problem+json", resp.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, await app.WithDbAsync(d => d.WebhookEndpoints.CountAsync()));
    }

    [Fact]
    public async Task Create_UnknownEvent_Refused400NamingIt()
    {
        await using var app = AppHost.Start(Db.Sqlite, FastRetries);
        using var resp = await app.Http.PostAsJsonAsync("api/webhook-endpoints", new { url = "http://127.0.0.1:9/", events = new[] { "call.exploded" } });
        Assert.Equal(HttpStatusCode.BadRequest, resp.StatusCode);
        Assert.Contains("call.exploded", await resp.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Endpoints_CreateUpdateDelete_AuditedUnderTheSignedInAdmin()
    {
        await using var app = AppHost.Start(Db.Sqlite, FastRetries);
        using var created = await app.Http.PostAsJsonAsync("api/webhook-endpoints", new { url = "http://127.0.0.1:9/", events = new[] { "call.ended" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        (await app.Http.PatchAsJsonAsync($"api/webhook-endpoints/{id}", new { enabled = false })).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.NoContent, (await app.Http.DeleteAsync($"api/webhook-endpoints/{id}")).StatusCode);
        var audit = await app.WithDbAsync(d => d.AuditLog.Where(a => a.EntityType == "webhook_endpoint").OrderBy(a => a.Id)
            .Select(a => new { a.Action, a.Actor }).ToListAsync());
        Assert.Equal(["webhook.endpoint.create", "webhook.endpoint.update", "webhook.endpoint.delete"], audit.Select(a => a.Action));
        Assert.All(audit, a => Assert.Equal("admin@autolynx.local", a.Actor));
    }
}
