using System.ComponentModel.DataAnnotations;

namespace AutoLynx.Features.Auth;

/// <summary>Section "Auth": who gets in, and how.</summary>
public sealed class AuthOptions
{
    /// <summary>Allowlisted as Admin at start-up; with a password, that password is set for a user who has none.</summary>
    public string? BootstrapAdminEmail { get; set; }
    public string? BootstrapAdminPassword { get; set; }
    /// <summary>When set, an admin API token with exactly this value exists (for automation and smoke checks).</summary>
    [MinLength(16)] public string? BootstrapApiToken { get; set; }
    /// <summary>The demo admin (demo mode only, when no bootstrap admin is configured).</summary>
    public string DemoAdminEmail { get; set; } = "admin@autolynx.local";

    /// <summary>Failed password attempts before the account is locked for <see cref="LockoutMinutes"/>.</summary>
    [Range(1, 100)] public int MaxFailedAttempts { get; set; } = 5;
    [Range(1, 1440)] public int LockoutMinutes { get; set; } = 5;
    /// <summary>Sign-in, registration and magic-link requests per client address per minute.</summary>
    [Range(1, 100000)] public int SignInPermitsPerMinute { get; set; } = 20;
    [Range(1, 1440)] public int MagicLinkMinutes { get; set; } = 15;
    /// <summary>The address sign-in links point at (required with SMTP outside demo mode); Vapi:PublicBaseUrl is used when empty.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>Where sign-in links point: Auth:PublicBaseUrl, else Vapi:PublicBaseUrl; null when neither is set.</summary>
    public static string? LinkBaseUrl(IConfiguration config)
        => config["Auth:PublicBaseUrl"] is { Length: > 0 } own ? own : config["Vapi:PublicBaseUrl"] is { Length: > 0 } vapi ? vapi : null;
    /// <summary>Without SMTP, print sign-in links to standard output; default: only in demo mode.</summary>
    public bool? PrintLinksToConsole { get; set; }
    /// <summary>How often an open page (Blazor circuit) re-checks that its user is still allowlisted.</summary>
    public TimeSpan RevalidateEvery { get; set; } = TimeSpan.FromSeconds(10);
    [Range(1, 1440)] public int SessionHours { get; set; } = 12;

    public SmtpOptions Smtp { get; set; } = new();
    public OidcOptions Oidc { get; set; } = new();
    public SupabaseOptions Supabase { get; set; } = new();
}

public sealed class SmtpOptions
{
    /// <summary>Empty: magic links are written to the console log instead of mailed (demo mode).</summary>
    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    public string? Username { get; set; }
    public string? Password { get; set; }
    /// <summary>Auto (STARTTLS when offered), None, StartTls, SslOnConnect.</summary>
    public string Security { get; set; } = "Auto";
    public string From { get; set; } = "AutoLynx <no-reply@autolynx.local>";
}

/// <summary>A generic OpenID Connect provider; enabled when Authority and ClientId are set.</summary>
public sealed class OidcOptions
{
    public string? Authority { get; set; }
    public string? ClientId { get; set; }
    public string? ClientSecret { get; set; }
    public string DisplayName { get; set; } = "single sign-on";
    public bool RequireHttpsMetadata { get; set; } = true;
    /// <summary>Accept an email the provider does not mark email_verified=true. Only for providers whose users cannot choose their email.</summary>
    public bool TrustUnverifiedEmail { get; set; }
    public bool Enabled => !string.IsNullOrWhiteSpace(Authority) && !string.IsNullOrWhiteSpace(ClientId);
}

/// <summary>Supabase Auth access tokens accepted on /api; enabled when JwtSecret or Url is set.</summary>
public sealed class SupabaseOptions
{
    /// <summary>Project URL, e.g. https://abc.supabase.co: issuer {Url}/auth/v1, keys from {Url}/auth/v1/.well-known/jwks.json.</summary>
    public string? Url { get; set; }
    /// <summary>The project's legacy HS256 JWT secret.</summary>
    public string? JwtSecret { get; set; }
    public string Audience { get; set; } = "authenticated";
    /// <summary>On when the project URL is set (the issuer is always checked); keys from JwtSecret or else the project's JWKS.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(Url);
}
