using AutoLynx.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AutoLynx.Features.Auth;

/// <summary>
/// The first admin, so that someone can sign in on a fresh database: from <c>Auth:BootstrapAdminEmail</c> (or the
/// <c>--admin</c> switch), or the demo admin in demo mode. Also creates <c>Auth:BootstrapApiToken</c> when set.
/// </summary>
public static class AuthBootstrap
{
    public static async Task RunAsync(IServiceProvider sp, bool demoMode, CancellationToken ct)
    {
        var options = sp.GetRequiredService<IOptions<AuthOptions>>().Value;
        var hint = sp.GetRequiredService<SignInHint>();
        var configured = !string.IsNullOrWhiteSpace(options.BootstrapAdminEmail);
        var needsOwner = !string.IsNullOrWhiteSpace(options.BootstrapApiToken);
        if (!configured && !demoMode && !needsOwner) return;

        var email = AllowlistService.Normalize(configured ? options.BootstrapAdminEmail! : options.DemoAdminEmail);
        if (!AllowlistService.IsValidEmail(email))
            throw new InvalidOperationException($"Auth:BootstrapAdminEmail \"{email}\" is not a valid email address.");
        var allowlist = sp.GetRequiredService<AllowlistService>();
        var users = sp.GetRequiredService<UserManager<AppUser>>();
        var time = sp.GetRequiredService<TimeProvider>();
        await allowlist.EnsureAdminAsync(email, ct);
        var user = await AuthEndpoints.FindOrCreateUserAsync(users, email, time)
                   ?? throw new InvalidOperationException($"Could not create the bootstrap admin {email}.");
        hint.Email = email;

        if (!string.IsNullOrEmpty(options.BootstrapAdminPassword))
        {
            // Configuration sets the first password only; a password changed since is the admin's own.
            if (!await users.HasPasswordAsync(user)) Check(await users.AddPasswordAsync(user, options.BootstrapAdminPassword), "set the bootstrap admin's password");
        }
        else if (demoMode && !configured)
        {
            // Demo: a fresh password each start, printed in the banner (there is nothing real to protect).
            var password = "demo-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6));
            var token = await users.GeneratePasswordResetTokenAsync(user);
            Check(await users.ResetPasswordAsync(user, token, password), "set the demo admin's password");
            hint.Password = password;
        }

        // A one-time link on the console: always in demo mode; otherwise only until the configured admin first signs in
        // (a link printed at every restart would put a working admin credential into the server's logs each time).
        if (demoMode || (configured && user.LastSeenAt is null && !await users.HasPasswordAsync(user)))
        {
            var link = await sp.GetRequiredService<MagicLinks>().IssueAsync(user);
            hint.LinkPath = MagicLinkPath(email, link, "/");
        }

        if (needsOwner)
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var hash = ApiTokenService.Hash(options.BootstrapApiToken!);
            var existing = await db.ApiTokens.FirstOrDefaultAsync(t => t.TokenHash == hash, ct);
            if (existing is null)
                await sp.GetRequiredService<ApiTokenService>().AddAsync(user.Id, "bootstrap (Auth:BootstrapApiToken)", options.BootstrapApiToken!, null, "configuration", ct);
            else if (existing.RevokedAt is not null)
            {
                // Revoked on purpose by an admin: configuration does not bring it back.
                sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AuthBootstrap))
                    .LogWarning("Auth:BootstrapApiToken was revoked in AutoLynx and stays revoked; remove it from the configuration");
            }
        }
    }

    public static string MagicLinkPath(string email, string token, string returnUrl)
        => $"/signin/link?email={Uri.EscapeDataString(email)}&token={token}&returnUrl={Uri.EscapeDataString(returnUrl)}";

    private static void Check(IdentityResult r, string what)
    {
        if (!r.Succeeded) throw new InvalidOperationException($"Could not {what}: {string.Join("; ", r.Errors.Select(e => e.Description))}");
    }
}
