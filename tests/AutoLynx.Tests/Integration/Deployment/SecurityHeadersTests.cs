using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using AutoLynx.Tests.Infrastructure;

namespace AutoLynx.Tests.Integration.Deployment;

/// <summary>Every response carries the security headers: a page, the API (success and refusal), a static file, the
/// redirect to sign-in. The page's one inline script (the import map) carries the nonce its policy allows.</summary>
public sealed partial class SecurityHeadersTests : IAsyncLifetime
{
    private AppHost _app = null!;

    public Task InitializeAsync()
    {
        _app = AppHost.Start(Db.Sqlite);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [GeneratedRegex("'nonce-([^']+)'")]
    private static partial Regex NonceInPolicy();

    [GeneratedRegex("<script type=\"importmap\" nonce=\"([^\"]+)\"")]
    private static partial Regex NonceOnImportMap();

    private static string Policy(HttpResponseMessage resp) =>
        Assert.Single(resp.Headers.GetValues("Content-Security-Policy"));

    /// <summary>The headers any response must have, whatever its status or content.</summary>
    private static void AssertSecurityHeaders(HttpResponseMessage resp, string what)
    {
        Assert.True(resp.Headers.Contains("Content-Security-Policy"), $"{what}: no Content-Security-Policy");
        var csp = Policy(resp);
        foreach (var directive in new[]
                 {
                     "default-src 'self'", "script-src 'self' 'nonce-", "style-src 'self' 'unsafe-inline'", "connect-src 'self'",
                     "object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'",
                 })
            Assert.True(csp.Contains(directive, StringComparison.Ordinal), $"{what}: the policy lacks \"{directive}\": {csp}");
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.DoesNotMatch("script-src[^;]*unsafe-inline", csp);
        Assert.Equal("nosniff", Assert.Single(resp.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", Assert.Single(resp.Headers.GetValues("X-Frame-Options")), ignoreCase: true);
        Assert.Equal("strict-origin-when-cross-origin", Assert.Single(resp.Headers.GetValues("Referrer-Policy")));
        Assert.False(resp.Headers.Contains("Server"), $"{what}: the Server header names the web server");
    }

    [Fact]
    public async Task Page_HasHeaders_AndTheImportMapCarriesThisRequestsNonce()
    {
        using var anonymous = _app.Anonymous();
        var nonces = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            using var resp = await anonymous.GetAsync("signin");
            var html = await resp.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
            AssertSecurityHeaders(resp, "/signin");
            var nonce = NonceInPolicy().Match(Policy(resp)).Groups[1].Value;
            var onPage = NonceOnImportMap().Match(html);
            Assert.True(onPage.Success, "the sign-in page has no import map with a nonce");
            Assert.Equal(nonce, WebUtility.HtmlDecode(onPage.Groups[1].Value));
            // No other inline script: each one would need the nonce too.
            Assert.Equal(1, Regex.Matches(html, "<script(?![^>]*\\bsrc=)[^>]*>").Count);
            nonces.Add(nonce);
        }
        Assert.NotEqual(nonces[0], nonces[1]);
        Assert.True(Convert.FromBase64String(nonces[0]).Length >= 16, "the nonce is too short to be unguessable");
    }

    [Fact]
    public async Task Api_SuccessAndRefusal_HaveHeaders()
    {
        using (var ok = await _app.Http.GetAsync("api/campaigns"))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal("application/json", ok.Content.Headers.ContentType?.MediaType);
            AssertSecurityHeaders(ok, "GET /api/campaigns");
        }

        using var anonymous = _app.Anonymous();
        using var refused = await anonymous.GetAsync("api/campaigns");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        AssertSecurityHeaders(refused, "GET /api/campaigns without a token");
    }

    [Theory]
    [InlineData("favicon.svg", "image/svg+xml")]
    [InlineData("_framework/blazor.web.js", "text/javascript")]
    [InlineData("_content/MudBlazor/MudBlazor.min.css", "text/css")]
    public async Task StaticFile_HasHeaders(string path, string type)
    {
        using var anonymous = _app.Anonymous();
        using var resp = await anonymous.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Equal(type, resp.Content.Headers.ContentType?.MediaType);
        AssertSecurityHeaders(resp, path);
    }

    [Fact]
    public async Task RedirectToSignIn_HasHeaders()
    {
        using var anonymous = _app.Anonymous();
        using var resp = await anonymous.GetAsync("no/such/page");
        Assert.Equal(HttpStatusCode.Redirect, resp.StatusCode);
        Assert.Equal("/signin", resp.Headers.Location?.AbsolutePath);
        AssertSecurityHeaders(resp, "/no/such/page (signed out)");
    }

    [Fact]
    public async Task Development_NoHsts()
    {
        using var anonymous = _app.Anonymous();
        using var resp = await anonymous.GetAsync("signin");
        Assert.False(resp.Headers.Contains("Strict-Transport-Security"), "HSTS in Development");
    }
}

/// <summary>Outside Development, HSTS on https — here as a TLS-terminating proxy forwards it (X-Forwarded-Proto from a
/// known proxy) — and never on plain http, where a browser would ignore it anyway.</summary>
public sealed class HstsTests : IAsyncLifetime
{
    private AppHost _app = null!;

    public Task InitializeAsync()
    {
        _app = AppHost.Start(Db.Sqlite, new Dictionary<string, string?>
        {
            ["environment"] = "Production",
            ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1",
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<HttpResponseMessage> GetAsync(string path, string? forwardedProto)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = "autolynx.example.com"; // HSTS is never sent to localhost / 127.0.0.1
        if (forwardedProto is not null) request.Headers.Add("X-Forwarded-Proto", forwardedProto);
        using var anonymous = _app.Anonymous();
        return await anonymous.SendAsync(request);
    }

    [Theory]
    [InlineData("signin")]
    [InlineData("favicon.svg")]
    [InlineData("healthz")]
    public async Task BehindHttps_Hsts(string path)
    {
        using var resp = await GetAsync(path, "https");
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        var hsts = Assert.Single(resp.Headers.GetValues("Strict-Transport-Security"));
        Assert.Matches("^max-age=[1-9][0-9]*", hsts);
        Assert.True(resp.Headers.Contains("Content-Security-Policy"));
    }

    [Fact]
    public async Task PlainHttp_NoHsts()
    {
        using var resp = await GetAsync("healthz", null);
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.False(resp.Headers.Contains("Strict-Transport-Security"), "HSTS on plain http");
    }
}
