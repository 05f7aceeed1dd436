using Microsoft.AspNetCore.Identity;

namespace AutoLynx.Features.Auth;

/// <summary>
/// "Email me a link": only allowlisted emails get one, and the answer to the visitor is the same either way, so the
/// form cannot be used to learn who is allowlisted. The first link of a new person creates their (unconfirmed) user.
/// </summary>
public sealed class MagicLinkMailer(AllowlistService allowlist, UserManager<AppUser> users, MagicLinks links, IServiceProvider services,
    IConfiguration config, TimeProvider time, ILogger<MagicLinkMailer> logger)
{
    private IMagicLinkSender? Sender => services.GetService<IMagicLinkSender>();

    /// <summary>False when this installation has no way to deliver links (no SMTP outside demo mode).</summary>
    public bool Available => Sender is not null;

    /// <summary>Null when done (or silently skipped); otherwise a message for the visitor.</summary>
    public async Task<string?> SendAsync(string email, string returnUrl, string requestBaseUri, CancellationToken ct)
    {
        if (Sender is not { } sender) return "Sign-in by email link is not set up here. Sign in with your password, or ask an admin.";
        if (await allowlist.ActiveAsync(email, ct) is null)
        {
            logger.LogInformation("Sign-in link not sent: {Email} is not allowlisted", LogMask.Email(email));
            return null;
        }
        var user = await AuthEndpoints.FindOrCreateUserAsync(users, email, time, confirmed: false);
        if (user is null) return "Your account could not be set up. Try again in a moment.";
        if (await links.RecentlyIssuedAsync(user))
        {
            logger.LogInformation("Sign-in link for {Email} not sent again within a minute", LogMask.Email(email));
            return null;
        }
        var token = await links.IssueAsync(user);
        var link = BaseUrl(requestBaseUri) + AuthBootstrap.MagicLinkPath(email, token, returnUrl);
        try
        {
            await sender.SendAsync(email, link, ct);
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError("Could not send the sign-in link to {Email}: {Error}", LogMask.Email(email), ex.Message);
            return "The sign-in email could not be sent. Try again in a moment, or ask an admin to check the mail settings.";
        }
    }

    /// <summary>Links point at the configured public address when there is one (a forged Host header cannot redirect them).</summary>
    private string BaseUrl(string requestBaseUri)
    {
        var configured = AuthOptions.LinkBaseUrl(config);
        return (!string.IsNullOrWhiteSpace(configured) ? configured : requestBaseUri).TrimEnd('/');
    }
}
