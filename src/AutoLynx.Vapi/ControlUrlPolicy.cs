namespace AutoLynx.Vapi;

/// <summary>
/// Which control URLs (a live call's <c>monitor.controlUrl</c>) AutoLynx calls, with its Vapi API key: only Vapi's own
/// hosts over https (<c>vapi.ai</c> and its subdomains, default port), or the origin of the configured Vapi API itself
/// (scheme, host and port of <c>Vapi:BaseUrl</c>: the simulator in demo mode and tests). A control URL arrives in
/// webhooks and API answers, so a forged one must never make the client hand the key to another host.
/// </summary>
public static class ControlUrlPolicy
{
    /// <summary>True when <paramref name="controlUrl"/> may be called with the API key.</summary>
    public static bool IsTrusted(Uri controlUrl, Uri apiBaseUrl)
    {
        if (!controlUrl.IsAbsoluteUri || controlUrl.UserInfo.Length > 0) return false;
        if (apiBaseUrl.IsAbsoluteUri
            && string.Equals(controlUrl.Scheme, apiBaseUrl.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(controlUrl.IdnHost, apiBaseUrl.IdnHost, StringComparison.OrdinalIgnoreCase)
            && controlUrl.Port == apiBaseUrl.Port)
            return true;
        var host = controlUrl.IdnHost;
        return controlUrl.Scheme == Uri.UriSchemeHttps && controlUrl.IsDefaultPort
               && (host.Equals("vapi.ai", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".vapi.ai", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary><paramref name="controlUrl"/> when it is trusted (see <see cref="IsTrusted"/>), else null: what may be stored for a call.</summary>
    public static string? TrustedOrNull(string? controlUrl, Uri? apiBaseUrl)
        => controlUrl is not null && apiBaseUrl is not null && Uri.TryCreate(controlUrl, UriKind.Absolute, out var uri) && IsTrusted(uri, apiBaseUrl)
            ? controlUrl
            : null;
}
