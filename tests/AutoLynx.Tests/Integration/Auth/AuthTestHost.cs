using System.Security.Claims;
using System.Text;
using AutoLynx.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AutoLynx.Tests.Integration.Auth;

/// <summary>Settings and token minting for a host that also accepts Supabase Auth access tokens (HS256 project secret).</summary>
public static class SupabaseTestTokens
{
    public const string ProjectUrl = "https://autolynx-test.supabase.co";
    public const string JwtSecret = "super-secret-jwt-token-with-at-least-32-characters-long";

    public static Dictionary<string, string?> Settings(Dictionary<string, string?>? more = null)
    {
        var s = new Dictionary<string, string?> { ["Auth:Supabase:Url"] = ProjectUrl, ["Auth:Supabase:JwtSecret"] = JwtSecret };
        foreach (var (k, v) in more ?? []) s[k] = v;
        return s;
    }

    /// <summary>An access token as Supabase issues it: iss {url}/auth/v1, aud "authenticated", sub, email, role.</summary>
    public static string Mint(string email, TimeSpan? expiresIn = null, string secret = JwtSecret, string audience = "authenticated",
        string issuer = ProjectUrl + "/auth/v1")
    {
        var now = DateTime.UtcNow;
        var expires = now + (expiresIn ?? TimeSpan.FromHours(1));
        var issued = expires < now ? expires.AddHours(-1) : now;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer, Audience = audience, IssuedAt = issued, NotBefore = issued, Expires = expires,
            Subject = new ClaimsIdentity([new Claim("sub", Guid.NewGuid().ToString()), new Claim("email", email), new Claim("role", "authenticated")]),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)), SecurityAlgorithms.HmacSha256),
        });
    }
}
