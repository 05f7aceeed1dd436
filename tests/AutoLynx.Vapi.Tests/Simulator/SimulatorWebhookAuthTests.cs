using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using AutoLynx.Vapi.Webhooks;
using AutoLynx.VapiSimulator;

namespace AutoLynx.Vapi.Tests.Simulator;

/// <summary>Each way the simulator authenticates its webhooks, checked with the verifier the app uses.</summary>
public sealed class SimulatorWebhookAuthTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    private static async Task<List<ReceivedWebhook>> OneCallAsync(SimulatorTestContext ctx, JsonObject? assistant = null)
    {
        var id = (await ctx.CreateCallAsync(ctx.CallBody(await ctx.CreateAssistantAsync(assistant), "+14155550123")))["id"]!.GetValue<string>();
        await ctx.Receiver.WaitForReportAsync(id);
        return ctx.Receiver.ForCall(id);
    }

    private static void OnlyBusy(SimulatorOptions o) => o.Outcomes = OutcomeMix.Only(m => m.Busy = 1);

    [Fact]
    public async Task Webhooks_WebhookSecretOnly_SendXVapiSecretAndNothingElse()
    {
        await using var ctx = await SimulatorTestContext.StartAsync(OnlyBusy);

        var hooks = await OneCallAsync(ctx);

        Assert.All(hooks, h =>
        {
            Assert.True(WebhookVerifier.VerifySecret(h.Headers["X-Vapi-Secret"], "hook-secret"));
            Assert.False(h.Headers.ContainsKey("Authorization"));
            Assert.False(h.Headers.ContainsKey("x-signature"));
        });
    }

    [Fact]
    public async Task Webhooks_BearerTokenOnly_SendAuthorizationBearer()
    {
        await using var ctx = await SimulatorTestContext.StartAsync(o =>
        {
            OnlyBusy(o);
            o.WebhookSecret = null;
            o.WebhookBearerToken = "bearer-token";
        });

        var hooks = await OneCallAsync(ctx);

        Assert.All(hooks, h =>
        {
            Assert.True(WebhookVerifier.VerifyBearer(h.Headers["Authorization"], "bearer-token"));
            Assert.False(h.Headers.ContainsKey("X-Vapi-Secret"));
        });
    }

    [Fact]
    public async Task Webhooks_HmacWithCustomHeadersAndPrefix_VerifyWithTheAppsVerifier()
    {
        await using var ctx = await SimulatorTestContext.StartAsync(o =>
        {
            OnlyBusy(o);
            o.WebhookSecret = null;
            o.WebhookHmacSecret = "hmac-key";
            o.WebhookHmacSignatureHeader = "X-Vapi-Signature";
            o.WebhookHmacTimestampHeader = "X-Vapi-Timestamp";
            o.WebhookHmacSignaturePrefix = "sha256=";
        });

        var hooks = await OneCallAsync(ctx);

        Assert.All(hooks, h =>
        {
            var raw = Encoding.UTF8.GetBytes(h.RawBody);
            var signature = h.Headers["X-Vapi-Signature"];
            var timestamp = h.Headers["X-Vapi-Timestamp"];
            Assert.StartsWith("sha256=", signature);
            Assert.True(WebhookVerifier.VerifyHmac(raw, signature, timestamp, "hmac-key", DateTimeOffset.UtcNow, Window, "sha256="));
            Assert.False(WebhookVerifier.VerifyHmac(raw, signature, timestamp, "hmac-key", DateTimeOffset.UtcNow, Window));
            Assert.False(h.Headers.ContainsKey("x-signature"));
            Assert.False(h.Headers.ContainsKey("X-Vapi-Secret"));
        });
    }

    [Fact]
    public async Task Webhooks_HmacDefaults_XSignatureAndXTimestampInEpochMilliseconds()
    {
        await using var ctx = await SimulatorTestContext.StartAsync(o =>
        {
            OnlyBusy(o);
            o.WebhookHmacSecret = "hmac-key";
        });

        var hooks = await OneCallAsync(ctx);

        Assert.All(hooks, h =>
        {
            Assert.True(long.Parse(h.Headers["x-timestamp"], System.Globalization.CultureInfo.InvariantCulture) > 100_000_000_000);
            Assert.True(WebhookVerifier.VerifyHmac(Encoding.UTF8.GetBytes(h.RawBody), h.Headers["x-signature"], h.Headers["x-timestamp"],
                "hmac-key", DateTimeOffset.UtcNow, Window));
        });
    }

    /// <summary>The inline <c>server.secret</c> is gone from Vapi's published spec: Vapi refuses it like any unknown
    /// property (the secret goes in <c>server.headers</c> or a credential).</summary>
    [Fact]
    public async Task CreateAssistant_LegacyServerSecret_Returns400WithVapisMessage()
    {
        await using var ctx = await SimulatorTestContext.StartAsync();

        var response = await ctx.Http.PostAsync("/assistant", SimulatorTestContext.Json(new JsonObject
        {
            ["name"] = "Legacy",
            ["server"] = new JsonObject { ["url"] = ctx.Receiver.Url.ToString(), ["secret"] = "assistant-secret" },
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await SimulatorTestContext.ReadAsync(response);
        Assert.Equal(["server.property secret should not exist"], body["message"]!.AsArray().Select(m => m!.GetValue<string>()));
    }
}
