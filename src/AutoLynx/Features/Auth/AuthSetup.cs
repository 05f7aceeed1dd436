using System.Text;
using System.Threading.RateLimiting;
using AutoLynx.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace AutoLynx.Features.Auth;

/// <summary>
/// Identity (cookie sign-in, passwords, lockout), API tokens, Supabase access tokens and an optional OpenID Connect
/// provider, all behind one allowlist. Every endpoint needs a signed-in, allowlisted user unless it says otherwise.
/// </summary>
public static class AuthSetup
{
    public const string SmartScheme = "AutoLynx";
    public const string SupabaseScheme = "Supabase";
    public const string OidcScheme = "oidc";
    public const string AdminPolicy = "Admin";
    public const string SignInRateLimit = "sign-in";
    public const string SignInPath = "/signin";
    public const string AccessDeniedPath = "/access-denied";

    /// <param name="demo">Demo mode (<see cref="Demo.DemoMode"/>): cookies for plain http, links on the console.</param>
    public static IServiceCollection AddAutoLynxAuth(this IServiceCollection services, IConfiguration config, IHostEnvironment env, bool demo)
    {
        services.AddOptions<AuthOptions>().BindConfiguration("Auth").ValidateDataAnnotations().ValidateOnStart();
        var auth = config.GetSection("Auth").Get<AuthOptions>() ?? new AuthOptions();
        CheckProductionSettings(auth, config, demo);
        // Cookies are Secure always, except for a local demo or development run on plain http.
        var secure = demo || env.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        services.AddAntiforgery(o => o.Cookie.SecurePolicy = secure);

        services.AddIdentityCore<AppUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.User.AllowedUserNameCharacters = ""; // user names are emails; any valid email is fine (o'brien@…)
                o.SignIn.RequireConfirmedEmail = true;
                o.Password.RequiredLength = 10;
                o.Password.RequireDigit = o.Password.RequireLowercase = o.Password.RequireUppercase = o.Password.RequireNonAlphanumeric = false;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = auth.MaxFailedAttempts;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(auth.LockoutMinutes);
            })
            .AddEntityFrameworkStores<AppDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders();

        var builder = services.AddAuthentication(o =>
        {
            o.DefaultScheme = SmartScheme;
            o.DefaultChallengeScheme = SmartScheme;
            o.DefaultSignInScheme = IdentityConstants.ExternalScheme;
        });
        builder.AddPolicyScheme(SmartScheme, "Cookie or bearer token", o => o.ForwardDefaultSelector = http =>
        {
            // Bearer credentials are for the JSON API only (not pages, not the Blazor circuit). Webhooks and the tick
            // carry their own secrets (a webhook's may even be a Bearer): no user lookup for them.
            // /metrics takes an admin's API token too (or the scrape token, which it checks itself).
            if (!(IsApi(http.Request) || http.Request.Path.StartsWithSegments(Hosting.MetricsEndpoint.Path)) || IsMachineEndpoint(http.Request)
                || !TryGetBearer(http.Request, out var value))
                return IdentityConstants.ApplicationScheme;
            // A JWT (three dot-separated parts) is Supabase's; anything else is one of our API tokens.
            return auth.Supabase.Enabled && value.Count(c => c == '.') == 2 ? SupabaseScheme : ApiTokenHandler.SchemeName;
        });
        builder.AddIdentityCookies(c =>
        {
            c.ApplicationCookie?.Configure(o =>
            {
                o.Cookie.Name = ".AutoLynx.Auth";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = secure;
                o.LoginPath = SignInPath;
                o.AccessDeniedPath = AccessDeniedPath;
                o.ExpireTimeSpan = TimeSpan.FromHours(auth.SessionHours);
                o.SlidingExpiration = true;
                o.Events.OnRedirectToLogin = ctx => ChallengeAsync(ctx.HttpContext, () => ctx.Response.Redirect(
                    ctx.HttpContext.Items.ContainsKey(AllowlistGate.NotGrantedItem) ? AccessDeniedPath + "?reason=not-granted" : ctx.RedirectUri));
                o.Events.OnRedirectToAccessDenied = ctx => ForbidAsync(ctx.HttpContext, () => ctx.Response.Redirect(ctx.RedirectUri));
            });
            c.ExternalCookie?.Configure(o => o.Cookie.SecurePolicy = secure);
        });
        builder.AddScheme<AuthenticationSchemeOptions, ApiTokenHandler>(ApiTokenHandler.SchemeName, null);

        if (auth.Supabase.Enabled) AddSupabase(builder, auth.Supabase);
        if (auth.Oidc.Enabled) AddOidc(builder, auth.Oidc, secure);

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(AdminPolicy, p => p.RequireAuthenticatedUser().RequireRole(nameof(AppRole.Admin)));

        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                IsSignInPost(http.Request)
                    ? RateLimitPartition.GetFixedWindowLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = auth.SignInPermitsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0,
                    })
                    : RateLimitPartition.GetNoLimiter("other"));
            o.OnRejected = async (ctx, ct) =>
            {
                ctx.HttpContext.Response.Headers.RetryAfter = "60";
                await Results.Problem(statusCode: 429, title: "Too many sign-in attempts",
                    detail: "Too many sign-in attempts from this address. Wait a minute and try again.").ExecuteAsync(ctx.HttpContext);
            };
        });

        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, AllowlistRevalidatingStateProvider>();
        services.AddScoped<Actor>();
        services.AddSingleton<AccessChanges>();
        services.AddScoped<AllowlistService>();
        services.AddScoped<ApiTokenService>();
        services.AddScoped<MagicLinks>();
        services.AddScoped<MagicLinkMailer>();
        services.AddSingleton<SignInHint>();
        // Links go by SMTP when configured; else to the console in demo mode (or when Auth:PrintLinksToConsole says so), else
        // nowhere: a link printed to a production server's output would be a credential in its logs.
        if (!string.IsNullOrWhiteSpace(auth.Smtp.Host)) services.AddSingleton<IMagicLinkSender, SmtpMagicLinkSender>();
        else if (auth.PrintLinksToConsole ?? demo) services.AddSingleton<IMagicLinkSender, ConsoleMagicLinkSender>();
        return services;
    }

    /// <summary>Authentication, the allowlist gate, rate limiting and authorization, in that order.</summary>
    public static IApplicationBuilder UseAutoLynxAuth(this IApplicationBuilder app)
    {
        app.UseAuthentication();
        app.UseMiddleware<AllowlistGate>();
        app.UseMiddleware<SameOriginGuard>();
        app.UseRateLimiter();
        app.UseAuthorization();
        return app;
    }

    public static bool IsApi(HttpRequest request) => request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/openapi");

    public static bool TryGetBearer(HttpRequest request, out string value)
    {
        value = "";
        string? header = request.Headers.Authorization;
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return false;
        value = header["Bearer ".Length..].Trim();
        return value.Length > 0;
    }

    private static bool IsMachineEndpoint(HttpRequest r)
        => r.Path.StartsWithSegments("/api/webhooks") || r.Path.StartsWithSegments("/api/scheduler");

    private static bool IsSignInPost(HttpRequest r)
        => HttpMethods.IsPost(r.Method) && (r.Path.StartsWithSegments(SignInPath) || r.Path.StartsWithSegments("/register"));

    /// <summary>401 with a ProblemDetails on /api (never a redirect); <paramref name="page"/> elsewhere.</summary>
    public static Task ChallengeAsync(HttpContext http, Action page, string? failure = null)
    {
        if (!IsApi(http.Request))
        {
            page();
            return Task.CompletedTask;
        }
        var notGranted = http.Items.ContainsKey(AllowlistGate.NotGrantedItem);
        http.Response.Headers.WWWAuthenticate = "Bearer";
        return Results.Problem(statusCode: 401, title: notGranted ? "Access not granted" : "Sign-in required",
            detail: notGranted
                ? "Your email is not on the AutoLynx allowlist, or its access was revoked. Ask an admin for access."
                : failure ?? "Send a valid API token as 'Authorization: Bearer <token>', or sign in.").ExecuteAsync(http);
    }

    public static Task ForbidAsync(HttpContext http, Action page)
    {
        if (!IsApi(http.Request))
        {
            page();
            return Task.CompletedTask;
        }
        return Results.Problem(statusCode: 403, title: "Forbidden", detail: "Your role does not allow this. Ask an admin.").ExecuteAsync(http);
    }

    /// <summary>Settings that are safe for a demo but not for a real installation: refuse to start rather than run unsafe.</summary>
    private static void CheckProductionSettings(AuthOptions auth, IConfiguration config, bool demo)
    {
        if (demo) return;
        if (!string.IsNullOrWhiteSpace(auth.Smtp.Host) && string.IsNullOrWhiteSpace(AuthOptions.LinkBaseUrl(config)))
            throw new InvalidOperationException("Auth:Smtp is set but Auth:PublicBaseUrl (or Vapi:PublicBaseUrl) is not: sign-in links must point at a configured address, never at the request's Host header.");
        if (!string.IsNullOrWhiteSpace(auth.BootstrapApiToken) && string.IsNullOrWhiteSpace(auth.BootstrapAdminEmail))
            throw new InvalidOperationException("Auth:BootstrapApiToken needs Auth:BootstrapAdminEmail: the token acts as that admin.");
    }

    private static void AddSupabase(AuthenticationBuilder builder, SupabaseOptions supabase)
    {
        builder.AddJwtBearer(SupabaseScheme, o =>
        {
            o.MapInboundClaims = false;
            var issuer = supabase.Url!.TrimEnd('/') + "/auth/v1";
            o.TokenValidationParameters = new TokenValidationParameters
            {
                ValidateIssuer = true, ValidIssuer = issuer,
                ValidateAudience = true, ValidAudience = supabase.Audience,
                ValidateLifetime = true, ClockSkew = TimeSpan.FromSeconds(30),
                RequireExpirationTime = true, RequireSignedTokens = true,
                NameClaimType = "email",
            };
            if (!string.IsNullOrWhiteSpace(supabase.JwtSecret))
            {
                o.TokenValidationParameters.IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(supabase.JwtSecret));
                o.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
            }
            else
            {
                var jwks = issuer + "/.well-known/jwks.json";
                o.ConfigurationManager = new ConfigurationManager<OpenIdConnectConfiguration>(jwks, new JwksRetriever(issuer),
                    new HttpDocumentRetriever { RequireHttps = jwks.StartsWith("https://", StringComparison.OrdinalIgnoreCase) });
            }
            o.Events = new JwtBearerEvents
            {
                // The key set could not be fetched (Supabase unreachable): a refused token (401), not a 500.
                OnAuthenticationFailed = ctx =>
                {
                    if (ctx.Exception is not SecurityTokenException) ctx.Fail(new SecurityTokenException("The Supabase signing keys could not be read.", ctx.Exception));
                    return Task.CompletedTask;
                },
                OnChallenge = async ctx =>
                {
                    ctx.HandleResponse();
                    var detail = ctx.AuthenticateFailure switch
                    {
                        null => null, // a valid token whose email is not allowlisted: said by ChallengeAsync
                        SecurityTokenExpiredException => "The Supabase access token has expired. Refresh it and try again.",
                        _ => "The Supabase access token is not valid for this project.",
                    };
                    await ChallengeAsync(ctx.HttpContext, () => ctx.Response.StatusCode = 401, detail);
                },
                OnForbidden = ctx => ForbidAsync(ctx.HttpContext, () => ctx.Response.StatusCode = 403),
            };
        });
    }

    private static void AddOidc(AuthenticationBuilder builder, OidcOptions oidc, CookieSecurePolicy secure)
    {
        builder.AddOpenIdConnect(OidcScheme, oidc.DisplayName, o =>
        {
            o.Authority = oidc.Authority;
            o.ClientId = oidc.ClientId;
            o.ClientSecret = oidc.ClientSecret;
            o.ResponseType = "code";
            o.UsePkce = true;
            o.RequireHttpsMetadata = oidc.RequireHttpsMetadata;
            o.SignInScheme = IdentityConstants.ExternalScheme;
            o.CallbackPath = "/signin-oidc";
            o.MapInboundClaims = false;
            o.GetClaimsFromUserInfoEndpoint = true;
            o.Scope.Clear();
            foreach (var s in new[] { "openid", "email", "profile" }) o.Scope.Add(s);
            o.TokenValidationParameters.NameClaimType = "email";
            o.ClaimActions.MapJsonKey("email_verified", "email_verified");
            // The code comes back in the query (a top-level GET), so Lax cookies reach the callback; on plain http (a
            // local set-up) the correlation and nonce cookies cannot be Secure.
            o.ResponseMode = "query";
            o.CorrelationCookie.SecurePolicy = secure;
            o.CorrelationCookie.SameSite = SameSiteMode.Lax;
            o.NonceCookie.SecurePolicy = secure;
            o.NonceCookie.SameSite = SameSiteMode.Lax;
            o.Events.OnRemoteFailure = ctx =>
            {
                ctx.Response.Redirect(SignInPath + "?error=external");
                ctx.HandleResponse();
                return Task.CompletedTask;
            };
        });
    }

    /// <summary>Supabase publishes a bare JWKS (no discovery document): turn it into the configuration JwtBearer expects.</summary>
    private sealed class JwksRetriever(string issuer) : IConfigurationRetriever<OpenIdConnectConfiguration>
    {
        public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(string address, IDocumentRetriever retriever, CancellationToken cancel)
        {
            var json = await retriever.GetDocumentAsync(address, cancel);
            var config = new OpenIdConnectConfiguration { Issuer = issuer, JwksUri = address };
            foreach (var key in new JsonWebKeySet(json).GetSigningKeys()) config.SigningKeys.Add(key);
            return config;
        }
    }
}

/// <summary>What the demo banner tells the first user: the demo admin, a password and a one-time link.</summary>
public sealed class SignInHint
{
    public string? Email { get; set; }
    public string? Password { get; set; }
    public string? LinkPath { get; set; }
}
