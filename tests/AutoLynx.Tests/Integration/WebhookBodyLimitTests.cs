using System.Net;
using System.Text;
using AutoLynx.Features.Calls;
using AutoLynx.Tests.Infrastructure;
using AutoLynx.Vapi.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Tests.Integration;

/// <summary>
/// The webhook endpoint reads a body only for a request whose headers carry the right secret (or a usable HMAC
/// signature), and only up to <see cref="VapiOptions.DefaultWebhookMaxBodyBytes"/>; an end-of-call-report of a 12-hour call
/// still fits. Requests that announce a large body send only a little of it: an answer that arrives while most of the
/// body was never sent shows that the server did not read (nor wait for) it.
/// </summary>
public sealed class WebhookBodyLimitTests(WebhookBodyLimitTests.Host host) : IClassFixture<WebhookBodyLimitTests.Host>
{
    public const string HmacSecret = "hmac-secret-for-webhook-limits";
    private const long TwentyMegabytes = 20L * 1024 * 1024;
    private const long Probe = 256 * 1024; // what the client sends of an announced large body before waiting

    public sealed class Host : IAsyncLifetime
    {
        public AppHost App { get; private set; } = null!;
        public Task InitializeAsync()
        {
            App = AppHost.Start(Db.Sqlite, new Dictionary<string, string?> { ["Vapi:HmacSecret"] = HmacSecret });
            return Task.CompletedTask;
        }
        public async Task DisposeAsync() => await App.DisposeAsync();
    }

    private AppHost App => host.App;

    public static TheoryData<string?, string> WrongCredentials => new()
    {
        { null, "none" },
        { "X-Vapi-Secret", "wrong" },
        { "Authorization", "Bearer wrong" },
        { "x-signature", "deadbeef" }, // a signature without its timestamp cannot be checked: refused unread
    };

    [Theory]
    [MemberData(nameof(WrongCredentials))]
    public async Task Receive_Unauthenticated20MegabyteBody_401WithoutReadingIt(string? header, string value)
    {
        var headers = header is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [header] = value };
        foreach (var chunked in new[] { false, true }) // with Content-Length, and chunked (no length announced)
        {
            var answer = await RawHttp.PostPartiallyAsync(App.BaseUrl, "/api/webhooks/vapi", headers, TwentyMegabytes, chunked, sendBeforeAnswer: Probe);

            Assert.Equal(401, answer.Status);
            Assert.Equal("close", answer.Headers.GetValueOrDefault("connection"));
            // Answered while at most the probe was out, and the rest was not read (nor drained) after the answer.
            Assert.True(answer.SentBeforeAnswer <= Probe, $"{answer.SentBeforeAnswer} bytes sent before the answer");
            Assert.True(answer.RestAccepted < answer.Rest / 2, $"the server took {answer.RestAccepted} of the {answer.Rest} bytes sent after its answer");
        }
    }

    [Fact]
    public async Task Receive_AuthenticatedBodyOverTheCap_413WithoutReadingTheRest()
    {
        var headers = new Dictionary<string, string> { ["X-Vapi-Secret"] = App.WebhookSecret };

        // Announced too large: refused before any of it is read.
        var announced = await RawHttp.PostPartiallyAsync(App.BaseUrl, "/api/webhooks/vapi", headers, TwentyMegabytes, chunked: false, sendBeforeAnswer: Probe);
        Assert.Equal(413, announced.Status);
        Assert.True(announced.SentBeforeAnswer <= Probe);
        Assert.True(announced.RestAccepted < announced.Rest / 2, $"the server took {announced.RestAccepted} of {announced.Rest} bytes after its answer");

        // Chunked: read until it passes the cap, then refused at once; the rest is not read.
        var chunked = await RawHttp.PostPartiallyAsync(App.BaseUrl, "/api/webhooks/vapi", headers, 2 * TwentyMegabytes, chunked: true,
            sendBeforeAnswer: VapiOptions.DefaultWebhookMaxBodyBytes + 4 * Probe);
        Assert.Equal(413, chunked.Status);
        Assert.True(chunked.RestAccepted < chunked.Rest / 2, $"the server took {chunked.RestAccepted} of {chunked.Rest} bytes after its answer");
    }

    [Fact]
    public async Task Receive_ConfiguredCap_BodiesPastItRefusedWithTheSettingNamed()
    {
        await using var app = AppHost.Start(Db.Sqlite, new Dictionary<string, string?> { ["Vapi:WebhookMaxBodyBytes"] = (2 * 1024 * 1024).ToString() });
        async Task<HttpResponseMessage> PostAsync(int transcriptBytes)
        {
            var body = "{\"message\":{\"type\":\"transcript\",\"role\":\"user\",\"transcript\":\"" + new string('a', transcriptBytes) + "\",\"call\":{\"id\":\"cap-call\"}}}";
            using var req = new HttpRequestMessage(HttpMethod.Post, "api/webhooks/vapi") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            req.Headers.Add("X-Vapi-Secret", app.WebhookSecret);
            return await app.Anonymous().SendAsync(req);
        }

        using (var fits = await PostAsync(1024 * 1024)) Assert.Equal(HttpStatusCode.OK, fits.StatusCode);
        using var over = await PostAsync(3 * 1024 * 1024);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, over.StatusCode);
        Assert.Contains("Vapi:WebhookMaxBodyBytes", await over.Content.ReadAsStringAsync());
    }

    [Fact]
    public void Start_CapBelowOneMebibyte_RefusesToStart()
    {
        var ex = Assert.ThrowsAny<Exception>(() => AppHost.Start(Db.Sqlite, new Dictionary<string, string?> { ["Vapi:WebhookMaxBodyBytes"] = "1000" }));
        Assert.Contains("WebhookMaxBodyBytes", ex.ToString());
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Receive_EndOfCallReportOfA12HourCall_AcceptedAndStoredWhole(Db db)
    {
        await using var app = db == Db.Sqlite ? null : AppHost.Start(db);
        var target = app ?? App;
        // 200 words a minute for 12 hours, every copy of the transcript Vapi may send: 10.6 MiB.
        var report = LongCallReport.Build("019b7a31-0e2c-7b55-8d11-6c0f3e9a4b27", 987654, hours: 12, wordsPerMinute: 200).ToJsonString();
        var bytes = Encoding.UTF8.GetByteCount(report);
        Assert.True(bytes > 10L * 1024 * 1024, $"{bytes} bytes");

        using var req = new HttpRequestMessage(HttpMethod.Post, "api/webhooks/vapi") { Content = new StringContent(report, Encoding.UTF8, "application/json") };
        req.Headers.Add("X-Vapi-Secret", target.WebhookSecret);
        using var resp = await target.Http.SendAsync(req);

        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        var stored = await target.WithDbAsync(d => d.WebhookInbox.Where(x => x.ProviderCallId == "019b7a31-0e2c-7b55-8d11-6c0f3e9a4b27")
            .Select(x => x.Body.Length).SingleAsync());
        Assert.Equal(report.Length, stored);
    }

    [Fact]
    public async Task Receive_HmacSignedBody_VerifiedAgainstTheBodyItSigns()
    {
        // A type AutoLynx stores (a speech-update would be answered 200 and dropped: nothing to count in the inbox).
        var body = """{"message":{"type":"status-update","status":"ringing","call":{"id":"hmac-call"}}}""";
        var ts = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString();

        async Task<HttpStatusCode> PostAsync(string sentBody, string? signature, string? timestamp)
        {
            using var req = new HttpRequestMessage(HttpMethod.Post, "api/webhooks/vapi") { Content = new StringContent(sentBody, Encoding.UTF8, "application/json") };
            if (signature is not null) req.Headers.Add("x-signature", signature);
            if (timestamp is not null) req.Headers.Add("x-timestamp", timestamp);
            using var resp = await App.Anonymous().SendAsync(req);
            return resp.StatusCode;
        }

        var signature = WebhookVerifier.ComputeHmacHex(Encoding.UTF8.GetBytes(body), ts, HmacSecret);
        Assert.Equal(HttpStatusCode.OK, await PostAsync(body, signature, ts));
        // The same signature over another body, or an old timestamp, is refused.
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(body.Replace("ringing", "in-progress"), signature, ts));
        var old = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds().ToString();
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(body, WebhookVerifier.ComputeHmacHex(Encoding.UTF8.GetBytes(body), old, HmacSecret), old));
        Assert.Equal(1, await App.WithDbAsync(d => d.WebhookInbox.CountAsync(x => x.ProviderCallId == "hmac-call")));
    }
}
