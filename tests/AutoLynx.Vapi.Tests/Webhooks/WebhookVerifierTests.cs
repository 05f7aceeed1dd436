using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AutoLynx.Vapi.Models;
using AutoLynx.Vapi.Tests.Simulator;
using AutoLynx.Vapi.Webhooks;
using AutoLynx.VapiSimulator;

namespace AutoLynx.Vapi.Tests.Webhooks;

public sealed class WebhookVerifierTests
{
    private const string Secret = "whsec-9f2c61";
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(5);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes(WebhookParserContractTests.StatusUpdateNoAnswer);

    /// <summary>Vapi's HMAC credential, computed independently of the code under test.</summary>
    private static string Sign(byte[] body, string timestamp, string secret, string prefix = "") =>
        prefix + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), (byte[])[.. Encoding.UTF8.GetBytes(timestamp + "."), .. body]));

    private static string Ms(DateTimeOffset at) => at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    private static string Seconds(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    // ---- X-Vapi-Secret ----

    [Fact]
    public void VerifySecret_RightSecret_True() => Assert.True(WebhookVerifier.VerifySecret("hook-secret", "hook-secret"));

    [Theory]
    [InlineData("hook-secreT")]
    [InlineData("hook-secret ")]
    [InlineData("hook-secre")]
    [InlineData("hook-secret-and-more")]
    [InlineData("")]
    [InlineData("Bearer hook-secret")]
    public void VerifySecret_WrongSecret_False(string presented) => Assert.False(WebhookVerifier.VerifySecret(presented, "hook-secret"));

    [Fact]
    public void VerifySecret_MissingHeader_False() => Assert.False(WebhookVerifier.VerifySecret(null, "hook-secret"));

    [Fact]
    public void VerifySecret_EmptyExpected_FalseEvenForEmptyPresented()
    {
        Assert.False(WebhookVerifier.VerifySecret("", ""));
        Assert.False(WebhookVerifier.VerifySecret("anything", ""));
        Assert.False(WebhookVerifier.VerifySecret(null, ""));
    }

    [Fact]
    public void VerifySecret_NonAsciiSecret_ComparesExactly()
    {
        Assert.True(WebhookVerifier.VerifySecret("sécret-ü", "sécret-ü"));
        Assert.False(WebhookVerifier.VerifySecret("secret-u", "sécret-ü"));
    }

    // ---- Authorization: Bearer ----

    [Theory]
    [InlineData("Bearer tok-123")]
    [InlineData("bearer tok-123")]
    [InlineData("BEARER tok-123")]
    [InlineData("Bearer  tok-123 ")]
    public void VerifyBearer_RightToken_True(string header) => Assert.True(WebhookVerifier.VerifyBearer(header, "tok-123"));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("tok-123")]
    [InlineData("Bearer")]
    [InlineData("Bearer ")]
    [InlineData("Bearertok-123")]
    [InlineData("Basic tok-123")]
    [InlineData("Bearer tok-124")]
    [InlineData("Bearer tok-1234")]
    [InlineData("Bearer TOK-123")]
    public void VerifyBearer_WrongOrMissingToken_False(string? header) => Assert.False(WebhookVerifier.VerifyBearer(header, "tok-123"));

    [Fact]
    public void VerifyBearer_EmptyExpected_False()
    {
        Assert.False(WebhookVerifier.VerifyBearer("Bearer ", ""));
        Assert.False(WebhookVerifier.VerifyBearer("Bearer x", ""));
    }

    // ---- HMAC ----

    [Fact]
    public void ComputeHmacHex_AnyInput_IsLowercaseHexHmacSha256OfTimestampDotBody()
    {
        var ts = Ms(Now);

        var hex = WebhookVerifier.ComputeHmacHex(Body, ts, Secret);

        Assert.Equal(Sign(Body, ts, Secret), hex);
        Assert.Matches("^[0-9a-f]{64}$", hex);
    }

    [Fact]
    public void VerifyHmac_RightSignatureMillisecondTimestamp_True()
    {
        var ts = Ms(Now.AddSeconds(-3));

        Assert.True(WebhookVerifier.VerifyHmac(Body, Sign(Body, ts, Secret), ts, Secret, Now, Window));
    }

    [Fact]
    public void VerifyHmac_RightSignatureSecondTimestamp_True()
    {
        var ts = Seconds(Now.AddSeconds(-3));

        Assert.True(WebhookVerifier.VerifyHmac(Body, Sign(Body, ts, Secret), ts, Secret, Now, Window));
    }

    [Fact]
    public void VerifyHmac_SignatureWithSurroundingWhitespace_True()
    {
        var ts = Ms(Now);

        Assert.True(WebhookVerifier.VerifyHmac(Body, " " + Sign(Body, ts, Secret) + "\t", ts, Secret, Now, Window));
    }

    [Fact]
    public void VerifyHmac_EmptyBody_VerifiesToo()
    {
        var ts = Ms(Now);

        Assert.True(WebhookVerifier.VerifyHmac([], Sign([], ts, Secret), ts, Secret, Now, Window));
        Assert.False(WebhookVerifier.VerifyHmac([], Sign(Body, ts, Secret), ts, Secret, Now, Window));
    }

    [Fact]
    public void VerifyHmac_WrongSignature_False()
    {
        var ts = Ms(Now);
        var right = Sign(Body, ts, Secret);
        var flipped = (right[0] == 'a' ? 'b' : 'a') + right[1..];

        Assert.False(WebhookVerifier.VerifyHmac(Body, flipped, ts, Secret, Now, Window));
        Assert.False(WebhookVerifier.VerifyHmac(Body, Sign(Body, ts, "other-secret"), ts, Secret, Now, Window));
        Assert.False(WebhookVerifier.VerifyHmac(Body, right[..^2], ts, Secret, Now, Window));
        Assert.False(WebhookVerifier.VerifyHmac(Body, right.ToUpperInvariant(), ts, Secret, Now, Window)); // hex is lowercase
        Assert.False(WebhookVerifier.VerifyHmac(Body, Convert.ToBase64String(Convert.FromHexString(right)), ts, Secret, Now, Window));
        Assert.False(WebhookVerifier.VerifyHmac(Body, Sign(Body, ts, Secret, "sha256="), ts, Secret, Now, Window)); // prefix not expected
    }

    [Fact]
    public void VerifyHmac_TamperedBody_False()
    {
        var ts = Ms(Now);
        var signature = Sign(Body, ts, Secret);
        var tampered = Encoding.UTF8.GetBytes(WebhookParserContractTests.StatusUpdateNoAnswer.Replace("customer-did-not-answer", "customer-ended-call"));
        var extraByte = (byte[])[.. Body, (byte)' '];
        var flippedByte = (byte[])Body.Clone();
        flippedByte[^3] ^= 0x01;

        Assert.False(WebhookVerifier.VerifyHmac(tampered, signature, ts, Secret, Now, Window));
        Assert.False(WebhookVerifier.VerifyHmac(extraByte, signature, ts, Secret, Now, Window));
        Assert.False(WebhookVerifier.VerifyHmac(flippedByte, signature, ts, Secret, Now, Window));
    }

    [Fact]
    public void VerifyHmac_SignatureForAnotherTimestamp_False()
    {
        var signedAt = Ms(Now);
        var presentedAt = Ms(Now.AddMilliseconds(1));

        Assert.False(WebhookVerifier.VerifyHmac(Body, Sign(Body, signedAt, Secret), presentedAt, Secret, Now, Window));
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    [InlineData(-86_400)]
    [InlineData(-1_767_225_600)] // epoch 0
    public void VerifyHmac_TimestampOutsideWindow_False(int offsetSeconds)
    {
        var at = Now.AddSeconds(offsetSeconds);
        var ms = Ms(at);
        var s = Seconds(at);

        Assert.False(WebhookVerifier.VerifyHmac(Body, Sign(Body, ms, Secret), ms, Secret, Now, Window));
        Assert.False(WebhookVerifier.VerifyHmac(Body, Sign(Body, s, Secret), s, Secret, Now, Window));
    }

    [Theory]
    [InlineData(-300)]
    [InlineData(-299)]
    [InlineData(0)]
    [InlineData(299)]
    [InlineData(300)]
    public void VerifyHmac_TimestampInsideWindow_True(int offsetSeconds)
    {
        var at = Now.AddSeconds(offsetSeconds);
        var ms = Ms(at);
        var s = Seconds(at);

        Assert.True(WebhookVerifier.VerifyHmac(Body, Sign(Body, ms, Secret), ms, Secret, Now, Window));
        Assert.True(WebhookVerifier.VerifyHmac(Body, Sign(Body, s, Secret), s, Secret, Now, Window));
    }

    [Fact]
    public void VerifyHmac_WithSha256Prefix_TrueOnlyWithThePrefix()
    {
        var ts = Ms(Now);
        var bare = Sign(Body, ts, Secret);

        Assert.True(WebhookVerifier.VerifyHmac(Body, "sha256=" + bare, ts, Secret, Now, Window, signaturePrefix: "sha256="));
        Assert.False(WebhookVerifier.VerifyHmac(Body, bare, ts, Secret, Now, Window, signaturePrefix: "sha256="));
        Assert.False(WebhookVerifier.VerifyHmac(Body, "sha512=" + bare, ts, Secret, Now, Window, signaturePrefix: "sha256="));
        Assert.False(WebhookVerifier.VerifyHmac(Body, "sha256=" + Sign(Body, ts, "other"), ts, Secret, Now, Window, signaturePrefix: "sha256="));
    }

    [Theory]
    [InlineData(null, "1767261600000")]
    [InlineData("", "1767261600000")]
    [InlineData("sig", null)]
    [InlineData("sig", "")]
    [InlineData("sig", "not-a-number")]
    [InlineData("sig", "2026-01-01T10:00:00Z")]
    [InlineData("sig", "1767261600000.5")]
    [InlineData("sig", "0x1A")]
    [InlineData("sig", "99999999999999999999999")]
    public void VerifyHmac_MissingOrMalformedHeaders_False(string? signature, string? timestamp)
    {
        var sig = signature == "sig" ? Sign(Body, timestamp ?? "", Secret) : signature;

        Assert.False(WebhookVerifier.VerifyHmac(Body, sig, timestamp, Secret, Now, Window));
    }

    [Fact]
    public void VerifyHmac_EmptySecret_False()
    {
        var ts = Ms(Now);

        Assert.False(WebhookVerifier.VerifyHmac(Body, Sign(Body, ts, ""), ts, "", Now, Window));
    }

    [Theory]
    [InlineData("99999999999999999")] // a valid long, far beyond year 9999 in ms
    [InlineData("9223372036854775807")]
    [InlineData("-99999999999")] // seconds before year 1
    [InlineData("-9223372036854775808")]
    public void VerifyHmac_TimestampOutOfDateRange_FalseNotException(string timestamp)
    {
        var signature = Sign(Body, timestamp, Secret);

        var verified = false;
        var ex = Record.Exception(() => verified = WebhookVerifier.VerifyHmac(Body, signature, timestamp, Secret, Now, Window));

        Assert.Null(ex);
        Assert.False(verified);
    }

    // ---- end to end: what the simulator really sends ----

    [Fact]
    public async Task VerifyHmacAndVerifySecret_WebhooksTheSimulatorSends_VerifyOverTheRawReceivedBytes()
    {
        const string hmacSecret = "sim-hmac-secret";
        const string vapiSecret = "hook-secret";
        const string bearer = "sim-bearer-token";
        await using var receiver = await WebhookReceiver.StartAsync();
        var options = new SimulatorOptions
        {
            TimeScale = 0.001,
            Seed = 7,
            WebhookUrl = receiver.Url.ToString(),
            WebhookSecret = vapiSecret,
            WebhookHmacSecret = hmacSecret,
            WebhookBearerToken = bearer,
            Outcomes = OutcomeMix.Only(m => m.Talked = 1),
        };
        await using var simulator = await VapiSimulatorHost.StartAsync(options);
        using var http = new HttpClient
        {
            BaseAddress = new Uri(simulator.BaseUrl.ToString().TrimEnd('/') + "/"),
            DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey) },
        };
        var client = new VapiClient(http);
        var assistant = await client.CreateAssistantAsync(new JsonObject { ["name"] = "Sam outbound", ["firstMessage"] = "Hi {{name}}" });
        var call = (await client.CreateCallAsync(new CreateCallRequest
        {
            AssistantId = assistant.Id,
            PhoneNumberId = simulator.PhoneNumbers[0].Id,
            Customer = new VapiCustomer { Number = "+14155550123", Name = "Ann Lee", ExternalId = "contact-42" },
            AssistantOverrides = new JsonObject { ["metadata"] = new JsonObject { ["campaignId"] = "cmp-7" } },
        })).Call;

        await receiver.WaitForReportAsync(call.Id);
        var hooks = receiver.ForCall(call.Id);

        Assert.Contains(hooks, h => h.Type == "status-update" && h.Status == "ended");
        Assert.Contains(hooks, h => h.Type == "end-of-call-report");
        var checkedAt = DateTimeOffset.UtcNow;
        foreach (var hook in hooks)
        {
            var raw = Encoding.UTF8.GetBytes(hook.RawBody);
            var signature = hook.Headers["x-signature"];
            var timestamp = hook.Headers["x-timestamp"];

            Assert.True(long.Parse(timestamp, CultureInfo.InvariantCulture) > 100_000_000_000, "timestamp is epoch ms");
            Assert.True(WebhookVerifier.VerifyHmac(raw, signature, timestamp, hmacSecret, checkedAt, Window), $"{hook.Type} {hook.Status}");
            Assert.True(WebhookVerifier.VerifySecret(hook.Headers["X-Vapi-Secret"], vapiSecret));
            Assert.True(WebhookVerifier.VerifyBearer(hook.Headers["Authorization"], bearer));

            Assert.False(WebhookVerifier.VerifyHmac(raw, signature, timestamp, "wrong-secret", checkedAt, Window));
            Assert.False(WebhookVerifier.VerifyHmac(raw, signature, timestamp, hmacSecret, checkedAt.AddMinutes(10), Window));
            Assert.False(WebhookVerifier.VerifyHmac([.. raw, (byte)'\n'], signature, timestamp, hmacSecret, checkedAt, Window));
            Assert.False(WebhookVerifier.VerifySecret(hook.Headers["X-Vapi-Secret"], "other-secret"));

            // ... and what verified also parses into what the app needs (the assistant has Vapi's default serverMessages,
            // so speech and conversation updates come too: verified like the rest, not acted on).
            var parsed = VapiWebhookParser.Parse(raw);
            Assert.Equal(hook.Type is "status-update" or "end-of-call-report", parsed.Actionable);
            Assert.Equal(hook.Type, parsed.Message!.Type);
            Assert.Equal(call.Id, parsed.Message.Call!.Id);
            Assert.Equal("contact-42", parsed.Message.Call.Customer?.ExternalId);
            Assert.Equal("cmp-7", parsed.Message.Call.MetadataValue("campaignId"));
            Assert.NotNull(parsed.Message.Timestamp);
            Assert.InRange(parsed.Message.Timestamp!.Value, checkedAt.AddMinutes(-1), checkedAt.AddMinutes(1));
        }

        var report = VapiWebhookParser.Parse(Encoding.UTF8.GetBytes(hooks.Single(h => h.Type == "end-of-call-report").RawBody)).Message!;
        Assert.Equal(CallOutcomeClass.Talked, EndedReasons.Classify(report.EndedReason));
        Assert.NotNull(report.Artifact?.Transcript);
        Assert.NotNull(report.Artifact?.BestRecordingUrl);
        Assert.Contains(report.Analysis?.SuccessEvaluation, new[] { "true", "false" });
        Assert.True(report.Cost > 0m);
        Assert.True(report.EndedAt >= report.StartedAt);
    }
}
