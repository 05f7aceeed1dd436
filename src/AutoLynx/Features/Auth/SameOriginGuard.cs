using Microsoft.AspNetCore.Identity;

namespace AutoLynx.Features.Auth;

/// <summary>
/// Cross-site request forgery guard for the JSON API when it is called with the session cookie (API tokens are not
/// sent by browsers on their own, so they need none): a state-changing request must come from this site. Browsers
/// say where a request comes from in Sec-Fetch-Site and Origin; a request from another site, even a sibling
/// subdomain that SameSite cookies do not stop, is refused with 403.
/// </summary>
public sealed class SameOriginGuard(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext http)
    {
        var r = http.Request;
        if (AuthSetup.IsApi(r) && !HttpMethods.IsGet(r.Method) && !HttpMethods.IsHead(r.Method) && !HttpMethods.IsOptions(r.Method)
            && http.User.Identity?.AuthenticationType == IdentityConstants.ApplicationScheme && !FromThisSite(r))
        {
            return Results.Problem(statusCode: 403, title: "Cross-site request refused",
                detail: "This request came from another site. Use AutoLynx's own pages, or an API token for scripts.").ExecuteAsync(http);
        }
        return next(http);
    }

    private static bool FromThisSite(HttpRequest r)
    {
        // Current browsers always say it; older ones send Origin on cross-site posts.
        var site = r.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0) return site is "same-origin" or "none";
        var origin = r.Headers.Origin.ToString();
        if (origin.Length == 0) return true; // not a browser
        return Uri.TryCreate(origin, UriKind.Absolute, out var o) && string.Equals(o.Authority, r.Host.Value, StringComparison.OrdinalIgnoreCase);
    }
}
