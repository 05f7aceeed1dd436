using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace AutoLynx.Features.Webhooks;

/// <summary>
/// SSRF guard: an endpoint must be an http(s) URL whose host is, and resolves to, public addresses only — unless
/// Webhooks:AllowPrivateTargets. Checked when an endpoint is saved and again at every connection (the delivery
/// client's ConnectCallback), so a name that later resolves to a private address (DNS rebinding) is refused too.
/// </summary>
public sealed class WebhookTargetGuard(IOptionsMonitor<WebhookOptions> options)
{
    public const int MaxUrlLength = 2000;

    /// <summary>Why this URL may not be an endpoint, or null when it may.</summary>
    public async Task<string?> RefusalAsync(string? url, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(url)) return "Give the endpoint's URL.";
        if (url.Length > MaxUrlLength) return $"The URL is longer than {MaxUrlLength} characters.";
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri)) return "The URL is not an absolute URL (https://…).";
        if (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) return $"Only http and https URLs are allowed, not {uri.Scheme}.";
        if (!string.IsNullOrEmpty(uri.UserInfo)) return "The URL may not carry a user name or password.";
        if (options.CurrentValue.AllowPrivateTargets) return null;
        if (IPAddress.TryParse(uri.DnsSafeHost, out var literal))
            return Classify(literal) is { } kind ? $"The address {literal} is {kind}; webhooks go to public addresses only." : null;
        IPAddress[] resolved;
        try
        {
            resolved = await Dns.GetHostAddressesAsync(uri.DnsSafeHost, ct);
        }
        catch (SocketException)
        {
            return $"The host {uri.DnsSafeHost} could not be resolved.";
        }
        if (resolved.Length == 0) return $"The host {uri.DnsSafeHost} could not be resolved.";
        foreach (var ip in resolved)
            if (Classify(ip) is { } kind) return $"The host {uri.DnsSafeHost} resolves to {ip}, which is {kind}; webhooks go to public addresses only.";
        return null;
    }

    /// <summary>Refuses a connection to a non-public address at connect time (unless allowed); used by the delivery client.</summary>
    public void CheckConnect(IPAddress ip, string host)
    {
        if (options.CurrentValue.AllowPrivateTargets) return;
        if (Classify(ip) is { } kind) throw new HttpRequestException($"{host} resolves to {ip}, which is {kind}; refused.");
    }

    /// <summary>What kind of non-public address this is ("a loopback address", …), or null for a public one.</summary>
    public static string? Classify(IPAddress ip)
    {
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        if (IPAddress.IsLoopback(ip)) return "a loopback address";
        if (ip.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = ip.GetAddressBytes();
            return b[0] switch
            {
                0 => "an unspecified address",
                10 => "a private address",
                100 when b[1] is >= 64 and <= 127 => "a private (carrier-grade NAT) address",
                169 when b[1] == 254 => "a link-local address",
                172 when b[1] is >= 16 and <= 31 => "a private address",
                192 when b[1] == 168 => "a private address",
                192 when b[1] == 0 && b[2] == 0 => "a reserved address",
                198 when b[1] is 18 or 19 => "a reserved (benchmarking) address",
                >= 224 => "a multicast or reserved address",
                _ => null,
            };
        }
        if (ip.Equals(IPAddress.IPv6None) || ip.Equals(IPAddress.IPv6Any)) return "an unspecified address";
        if (ip.IsIPv6LinkLocal) return "a link-local address";
        if (ip.IsIPv6SiteLocal || ip.IsIPv6UniqueLocal) return "a private address";
        if (ip.IsIPv6Multicast) return "a multicast address";
        return null;
    }
}
