using System.Security.Claims;
using AutoLynx.Data;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AutoLynx.Features.Auth;

/// <summary>
/// An open page (Blazor circuit) makes no HTTP requests, so the allowlist gate cannot see it: this re-checks the
/// circuit's user every <see cref="AuthOptions.RevalidateEvery"/>, and at once when this instance changes their
/// access. A revoked user, or one whose role changed, loses the page and must sign in (or reload) again.
/// </summary>
public sealed class AllowlistRevalidatingStateProvider : RevalidatingServerAuthenticationStateProvider
{
    private readonly IDbContextFactory<AppDbContext> _dbs;
    private readonly AccessChanges _changes;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly ILogger _logger;

    public AllowlistRevalidatingStateProvider(ILoggerFactory loggers, IDbContextFactory<AppDbContext> dbs, AccessChanges changes, TimeProvider time,
        IOptions<AuthOptions> options)
        : base(loggers)
    {
        _time = time;
        _dbs = dbs;
        _changes = changes;
        _interval = options.Value.RevalidateEvery;
        _logger = loggers.CreateLogger<AllowlistRevalidatingStateProvider>();
        _changes.Changed += OnAccessChanged;
    }

    protected override TimeSpan RevalidationInterval => _interval;

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken ct)
        => await StillValidAsync(state.User, ct);

    private Task<bool> StillValidAsync(ClaimsPrincipal user, CancellationToken ct) => AllowlistGate.StillValidAsync(user, _dbs, _time, ct);

    private async void OnAccessChanged(string email)
    {
        try
        {
            var state = await GetAuthenticationStateAsync();
            if (!string.Equals(Viewer.From(state.User)?.Email, email, StringComparison.Ordinal)) return;
            if (!await StillValidAsync(state.User, CancellationToken.None))
                SetAuthenticationState(Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity()))));
        }
        catch (InvalidOperationException)
        {
            // No circuit state yet (the provider exists but was never initialised): nothing to revoke.
        }
        catch (Exception ex)
        {
            // An event handler must never take the process down; the periodic check still runs.
            _logger.LogWarning(ex, "Could not re-check a page's access after an allowlist change");
        }
    }

    protected override void Dispose(bool disposing)
    {
        _changes.Changed -= OnAccessChanged;
        base.Dispose(disposing);
    }
}
