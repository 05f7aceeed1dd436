using System.Net;
using AutoLynx.Features.Webhooks;
using Microsoft.AspNetCore.Http;
using StandardWebhooks;

namespace AutoLynx.Tests.Unit;

public sealed class WebhookUnitTests
{
    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("10.0.0.1", "private")]
    [InlineData("172.16.5.4", "private")]
    [InlineData("192.168.1.1", "private")]
    [InlineData("169.254.169.254", "link-local")]
    [InlineData("100.64.0.1", "carrier-grade")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("::1", "loopback")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("fd00::1", "private")]
    [InlineData("::ffff:10.0.0.1", "private")]
    public void Classify_NonPublicAddress_NamesItsKind(string ip, string kind)
        => Assert.Contains(kind, WebhookTargetGuard.Classify(IPAddress.Parse(ip)));

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("8.8.8.8")]
    [InlineData("2606:4700::1111")]
    public void Classify_PublicAddress_Null(string ip) => Assert.Null(WebhookTargetGuard.Classify(IPAddress.Parse(ip)));

    [Fact]
    public void Delay_SuccessiveAttempts_DoubleWithinJitterUpToTheCap()
    {
        var b = TimeSpan.FromSeconds(5);
        var max = TimeSpan.FromHours(1);
        Assert.Equal(TimeSpan.FromSeconds(4), WebhookBackoff.Delay(1, b, max, 0));
        Assert.Equal(TimeSpan.FromSeconds(6), WebhookBackoff.Delay(1, b, max, 1));
        Assert.Equal(TimeSpan.FromSeconds(40), WebhookBackoff.Delay(4, b, max, 0.5));
        Assert.Equal(TimeSpan.FromHours(1), WebhookBackoff.Delay(40, b, max, 0.5));
    }

    [Fact]
    public void Sign_Message_VerifiesWithTheStandardAlgorithm()
    {
        var secret = WebhookSigner.NewSecret();
        var at = DateTimeOffset.UtcNow;
        const string body = "{\"type\":\"call.ended\",\"data\":{}}";
        var (id, ts, sig) = WebhookSigner.Sign(secret, "msg_1", at, body);
        Assert.StartsWith("v1,", sig);
        // By hand, per the specification: base64(HMAC-SHA256(key, "id.timestamp.body")).
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = Convert.ToBase64String(System.Security.Cryptography.HMACSHA256.HashData(key, System.Text.Encoding.UTF8.GetBytes($"{id}.{ts}.{body}")));
        Assert.Equal("v1," + expected, sig);
        var headers = new HeaderDictionary { ["webhook-id"] = id, ["webhook-timestamp"] = ts, ["webhook-signature"] = sig };
        new StandardWebhook(secret).Verify(body, headers);
        headers["webhook-signature"] = "v1," + Convert.ToBase64String(new byte[32]);
        Assert.ThrowsAny<Exception>(() => new StandardWebhook(secret).Verify(body, headers));
    }
}
