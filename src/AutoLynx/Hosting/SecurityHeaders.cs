namespace AutoLynx.Hosting;

/// <summary>The security headers on every response (pages, API, static files, error pages). HSTS is
/// <c>UseHsts</c>'s, outside Development and only on HTTPS (behind a proxy: X-Forwarded-Proto from a known proxy).</summary>
public static class SecurityHeaders
{
    /// <summary>Where Vapi keeps call recordings (<c>recordingUrl</c>, <c>recording.mono.combinedUrl</c>).</summary>
    public const string VapiStorage = "https://storage.vapi.ai";

    /// <summary>The policy, built on the first request: in demo mode the Vapi API's address (the simulator's) is known
    /// only once the simulator listens. Kestrel names itself in a Server header on every response; middleware cannot take it off.</summary>
    public static IServiceCollection AddAutoLynxSecurityHeaders(this IServiceCollection services)
    {
        services.AddSecurityHeaderPolicies((policies, sp) =>
        {
            var origins = RecordingOrigins(sp.GetRequiredService<IConfiguration>());
            var policy = new Lazy<HeaderPolicyCollection>(() => Policy(sp.GetRequiredService<VapiConnection>().BaseUrl, origins));
            policies.SetPolicySelector(_ => policy.Value);
        });
        return services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(o => o.AddServerHeader = false);
    }

    /// <summary><c>Security:RecordingOrigins</c> as origins (scheme, host, port); anything else refuses the start.</summary>
    public static IReadOnlyList<string> RecordingOrigins(IConfiguration config) =>
        (config.GetSection("Security:RecordingOrigins").Get<string[]>() ?? []).Select(o =>
            Uri.TryCreate(o, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" && uri.PathAndQuery == "/" && uri.UserInfo == ""
                ? uri.GetLeftPart(UriPartial.Authority)
                : throw new StartRefusedException($"Security:RecordingOrigins: \"{o}\" is not an origin such as https://recordings.example.com.")).ToList();

    /// <summary>First in the pipeline, so that responses written by later middleware carry the headers too.</summary>
    public static IApplicationBuilder UseAutoLynxSecurityHeaders(this IApplicationBuilder app) => app.UseSecurityHeaders();

    /// <summary>What Blazor Server and MudBlazor work under: scripts only from this origin, plus the one inline script
    /// (the import map) carrying the request's nonce (<c>HttpContext.GetNonce()</c>); inline styles allowed (MudBlazor and Blazor's
    /// reconnect UI set style attributes); connections (the circuit's WebSocket, fetches) to this origin only; never framed.
    /// The call recordings' player loads from Vapi's storage, from the Vapi API's origin (the simulator's in demo mode)
    /// and from <paramref name="recordingOrigins"/> (<c>Security:RecordingOrigins</c>, for recordings in your own bucket).</summary>
    public static HeaderPolicyCollection Policy(Uri vapiBaseUrl, IEnumerable<string> recordingOrigins) => new HeaderPolicyCollection()
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
            csp.AddMediaSrc().Self().From(VapiStorage).From(vapiBaseUrl.GetLeftPart(UriPartial.Authority)).From(recordingOrigins);
            csp.AddConnectSrc().Self();
            csp.AddObjectSrc().None();
            csp.AddBaseUri().Self();
            csp.AddFormAction().Self();
            csp.AddFrameAncestors().None();
        });
}
