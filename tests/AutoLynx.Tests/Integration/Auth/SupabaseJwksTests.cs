using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using AutoLynx.Tests.Infrastructure;
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

/// <summary>Supabase projects with asymmetric keys: the app reads the project's JWKS over HTTP and checks RS256 tokens with it.</summary>
public sealed class SupabaseJwksTests
{
    [Fact]
    public async Task AsymmetricTokens_VerifiedWithTheProjectsJwks_AndAnOutageIsA401()
    {
        var key = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "project-key-1" };
        var up = true;
        var (project, url) = await LoopbackApp.StartAsync(project => project.MapGet("/auth/v1/.well-known/jwks.json", () =>
        {
            if (!up) return Results.StatusCode(503);
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(key.Rsa.ExportParameters(false)) { KeyId = key.KeyId });
            return Results.Json(new { keys = new[] { new { kty = jwk.Kty, kid = jwk.Kid, use = "sig", alg = "RS256", n = jwk.N, e = jwk.E } } });
        }));
        await using var _ = project;

        await using var app = AppHost.Start(Db.Sqlite, new Dictionary<string, string?> { ["Auth:Supabase:Url"] = url });
        (await app.Http.PostAsJsonAsync("api/allowlist", new { email = "rsa@example.com", role = "Operator" })).EnsureSuccessStatusCode();

        string Mint(SecurityKey signingKey, string algorithm) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = url + "/auth/v1", Audience = "authenticated", Expires = DateTime.UtcNow.AddMinutes(10),
            Subject = new ClaimsIdentity([new Claim("sub", "u-1"), new Claim("email", "rsa@example.com")]),
            SigningCredentials = new SigningCredentials(signingKey, algorithm),
        });

        using var ok = app.WithToken(Mint(key, SecurityAlgorithms.RsaSha256));
        Assert.Equal("rsa@example.com", (await ok.GetFromJsonAsync<JsonElement>("api/me")).GetProperty("email").GetString());

        // Signed with some other key, or HS256 with the public key as the "secret" (algorithm confusion): refused.
        using var otherKey = app.WithToken(Mint(new RsaSecurityKey(RSA.Create(2048)) { KeyId = "project-key-1" }, SecurityAlgorithms.RsaSha256));
        Assert.Equal(HttpStatusCode.Unauthorized, (await otherKey.GetAsync("api/me")).StatusCode);
        var publicBytes = key.Rsa.ExportSubjectPublicKeyInfo();
        using var confused = app.WithToken(Mint(new SymmetricSecurityKey(publicBytes) { KeyId = "project-key-1" }, SecurityAlgorithms.HmacSha256));
        Assert.Equal(HttpStatusCode.Unauthorized, (await confused.GetAsync("api/me")).StatusCode);

        // A token signed with a key the app has never seen, while the project's key endpoint is down: 401, never a 500.
        up = false;
        using var unknownKid = app.WithToken(Mint(new RsaSecurityKey(RSA.Create(2048)) { KeyId = "rotated-key" }, SecurityAlgorithms.RsaSha256));
        Assert.Equal(HttpStatusCode.Unauthorized, (await unknownKid.GetAsync("api/me")).StatusCode);
        await project.StopAsync();
    }
}
