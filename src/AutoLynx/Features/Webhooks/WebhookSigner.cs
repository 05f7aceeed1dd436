using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using StandardWebhooks;

namespace AutoLynx.Features.Webhooks;

/// <summary>
/// Standard Webhooks signing: a per-endpoint secret <c>whsec_&lt;base64 of 32 random bytes&gt;</c>, kept encrypted with
/// ASP.NET Data Protection; each message is signed as <c>v1,&lt;base64 HMAC-SHA256 of "id.timestamp.body"&gt;</c> by the
/// StandardWebhooks library, so receivers can verify with any Standard Webhooks implementation.
/// </summary>
public sealed class WebhookSigner(IDataProtectionProvider protection)
{
    public const string SecretPrefix = "whsec_";
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";

    private readonly IDataProtector _protector = protection.CreateProtector("AutoLynx.Webhooks.EndpointSecret.v1");

    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public string Protect(string secret) => _protector.Protect(secret);

    public string Unprotect(string protectedSecret) => _protector.Unprotect(protectedSecret);

    /// <summary>The three headers for one attempt of one message.</summary>
    public static (string Id, string Timestamp, string Signature) Sign(string secret, string messageId, DateTimeOffset at, string body)
    {
        var signature = new StandardWebhook(secret).Sign(messageId, at, body);
        return (messageId, at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), signature);
    }
}
