using System.Security.Cryptography;
using System.Text;

namespace AutoLynx.Vapi.Webhooks;

/// <summary>How AutoLynx checks that a webhook came from Vapi (vapi-contract.md §9). Every comparison is constant-time.</summary>
public static class WebhookVerifier
{
    /// <summary>Legacy shared secret in <c>X-Vapi-Secret</c> (or any header set up as a Bearer credential without prefix).</summary>
    public static bool VerifySecret(string? presented, string expected)
        => presented is not null && expected.Length > 0 && FixedEquals(presented, expected);

    /// <summary><c>Authorization: Bearer &lt;token&gt;</c>.</summary>
    public static bool VerifyBearer(string? authorizationHeader, string expectedToken)
    {
        const string prefix = "Bearer ";
        if (authorizationHeader is null || expectedToken.Length == 0 || !authorizationHeader.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            return false;
        return FixedEquals(authorizationHeader[prefix.Length..].Trim(), expectedToken);
    }

    /// <summary>
    /// HMAC-SHA256 over <c>{timestamp}.{body}</c> (raw bytes), hex-encoded, optional prefix such as "sha256=".
    /// The timestamp must lie within <paramref name="window"/> of now (seconds or milliseconds since epoch accepted).
    /// </summary>
    public static bool VerifyHmac(ReadOnlySpan<byte> body, string? signatureHeader, string? timestampHeader, string secret,
        DateTimeOffset now, TimeSpan window, string signaturePrefix = "")
    {
        if (secret.Length == 0 || !HmacHeadersUsable(signatureHeader, timestampHeader, now, window)) return false;
        var expected = signaturePrefix + ComputeHmacHex(body, timestampHeader!, secret);
        return FixedEquals(signatureHeader!.Trim(), expected);
    }

    /// <summary>
    /// Whether the signature and timestamp headers could carry a valid HMAC at all (both present, the timestamp within
    /// <paramref name="window"/>): what can be checked before the body is read. A request failing this is refused unread.
    /// </summary>
    public static bool HmacHeadersUsable(string? signatureHeader, string? timestampHeader, DateTimeOffset now, TimeSpan window)
    {
        if (string.IsNullOrEmpty(signatureHeader) || string.IsNullOrEmpty(timestampHeader)) return false;
        if (!long.TryParse(timestampHeader, out var ts)) return false;
        return LenientDateTimeOffsetConverter.FromEpoch(ts) is { } when && (now - when).Duration() <= window;
    }

    public static string ComputeHmacHex(ReadOnlySpan<byte> body, string timestamp, string secret)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp + ".");
        var payload = new byte[prefix.Length + body.Length];
        prefix.CopyTo(payload, 0);
        body.CopyTo(payload.AsSpan(prefix.Length));
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), payload);
        return Convert.ToHexStringLower(mac);
    }

    private static bool FixedEquals(string a, string b)
        => CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}
