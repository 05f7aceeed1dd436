namespace AutoLynx.Hosting;

/// <summary>The security headers on every response (pages, API, static files, error pages). HSTS is
/// <c>UseHsts</c>'s, outside Development and only on HTTPS (behind a proxy: X-Forwarded-Proto from a known proxy).</summary>
public static class SecurityHeaders
{
    /// <summary>Kestrel names itself in a Server header on every response; middleware cannot take it off.</summary>
    public static IServiceCollection AddAutoLynxSecurityHeaders(this IServiceCollection services) =>
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(o => o.AddServerHeader = false);

    /// <summary>First in the pipeline, so that responses written by later middleware carry the headers too.</summary>
    public static IApplicationBuilder UseAutoLynxSecurityHeaders(this IApplicationBuilder app) => app.UseSecurityHeaders(Policy());

    /// <summary>What Blazor Server and MudBlazor work under: scripts only from this origin, plus the one inline script
    /// (the import map) carrying the request's nonce (<c>HttpContext.GetNonce()</c>); inline styles allowed (MudBlazor and Blazor's
    /// reconnect UI set style attributes); connections (the circuit's WebSocket, fetches) to this origin only; never framed.</summary>
    public static HeaderPolicyCollection Policy() => new HeaderPolicyCollection()
        .AddContentTypeOptionsNoSniff()
        .AddFrameOptionsDeny()
        .AddReferrerPolicyStrictOriginWhenCrossOrigin()
        .AddCrossOriginOpenerPolicy(x => x.SameOrigin())
        .AddContentSecurityPolicy(csp =>
        {
            csp.AddDefaultSrc().Self();
            csp.AddScriptSrc().Self().WithNonce();
            csp.AddStyleSrc().Self().UnsafeInline();
            csp.AddImgSrc().Self().Data();
            csp.AddFontSrc().Self().Data();
            csp.AddConnectSrc().Self();
            csp.AddObjectSrc().None();
            csp.AddBaseUri().Self();
            csp.AddFormAction().Self();
            csp.AddFrameAncestors().None();
        });
}
