using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AutoLynx.Tests.Integration.Auth;

/// <summary>
/// A small OpenID Connect provider on a real port: discovery, JWKS, an authorize endpoint that signs in
/// <see cref="NextEmail"/> at once, a token endpoint checking the client secret and PKCE, and userinfo.
/// </summary>
public sealed class FakeOidcProvider : IAsyncDisposable
{
    public const string ClientId = "autolynx-test";
    public const string ClientSecret = "oidc-test-secret";
    private readonly RsaSecurityKey _key = new(RSA.Create(2048)) { KeyId = "test-key" };
    private readonly ConcurrentDictionary<string, (string Email, bool? Verified, string? Nonce, string? Challenge)> _codes = new();

    public string NextEmail { get; set; } = "";
    /// <summary>What the provider says of the email: verified, not verified, or nothing at all (null).</summary>
    public bool? NextEmailVerified { get; set; } = true;
    public string Authority { get; private set; } = "";

    private WebApplication _app = null!;

    public static async Task<FakeOidcProvider> StartAsync()
    {
        var provider = new FakeOidcProvider();
        (provider._app, provider.Authority) = await LoopbackApp.StartAsync(provider.Map);
        return provider;
    }

    private void Map(WebApplication app)
    {
        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = Authority, ["authorization_endpoint"] = Authority + "/authorize", ["token_endpoint"] = Authority + "/token",
            ["jwks_uri"] = Authority + "/jwks", ["userinfo_endpoint"] = Authority + "/userinfo",
            ["response_types_supported"] = new[] { "code" }, ["subject_types_supported"] = new[] { "public" },
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" }, ["code_challenge_methods_supported"] = new[] { "S256" },
        }));
        app.MapGet("/jwks", () =>
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(_key.Rsa.ExportParameters(false)) { KeyId = _key.KeyId });
            return Results.Json(new { keys = new[] { new { kty = jwk.Kty, kid = jwk.Kid, use = "sig", alg = "RS256", n = jwk.N, e = jwk.E } } });
        });
        app.MapGet("/authorize", (HttpRequest r) =>
        {
            var q = r.Query;
            if (q["client_id"] != ClientId) return Results.BadRequest("unknown client");
            var code = Guid.NewGuid().ToString("N");
            _codes[code] = (NextEmail, NextEmailVerified, q["nonce"], q["code_challenge"]);
            return Results.Redirect($"{q["redirect_uri"]}?code={code}&state={Uri.EscapeDataString(q["state"].ToString())}");
        });
        app.MapPost("/token", async (HttpRequest r) =>
        {
            var form = await r.ReadFormAsync();
            var (id, secret) = (form["client_id"].ToString(), form["client_secret"].ToString());
            if (string.IsNullOrEmpty(id) && r.Headers.Authorization.ToString() is { Length: > 6 } basic && basic.StartsWith("Basic "))
            {
                var parts = Encoding.UTF8.GetString(Convert.FromBase64String(basic[6..])).Split(':', 2);
                (id, secret) = (Uri.UnescapeDataString(parts[0]), Uri.UnescapeDataString(parts[1]));
            }
            if (id != ClientId || secret != ClientSecret) return Results.Json(new { error = "invalid_client" }, statusCode: 401);
            if (!_codes.TryRemove(form["code"].ToString(), out var grant)) return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
            var verifier = form["code_verifier"].ToString();
            var challenge = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
            if (grant.Challenge is not null && challenge != grant.Challenge) return Results.Json(new { error = "invalid_grant", error_description = "PKCE" }, statusCode: 400);
            var now = DateTime.UtcNow;
            var claims = new List<Claim> { new("sub", "user-" + grant.Email), new("email", grant.Email) };
            if (grant.Verified is { } v) claims.Add(new Claim("email_verified", v ? "true" : "false", ClaimValueTypes.Boolean));
            if (grant.Nonce is not null) claims.Add(new Claim("nonce", grant.Nonce));
            var idToken = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = Authority, Audience = ClientId, IssuedAt = now, NotBefore = now, Expires = now.AddMinutes(5),
                Subject = new ClaimsIdentity(claims), SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.RsaSha256),
            });
            _codes["access:" + grant.Email] = grant;
            return Results.Json(new { access_token = "access:" + grant.Email, token_type = "Bearer", expires_in = 300, id_token = idToken });
        });
        app.MapGet("/userinfo", (HttpRequest r) =>
        {
            var token = r.Headers.Authorization.ToString().Replace("Bearer ", "");
            return _codes.TryGetValue(token, out var g)
                ? Results.Json(g.Verified is { } v ? new { sub = "user-" + g.Email, email = g.Email, email_verified = (bool?)v } : new { sub = "user-" + g.Email, email = g.Email, email_verified = (bool?)null })
                : Results.Unauthorized();
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
