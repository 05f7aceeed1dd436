using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using AutoLynx.Data;
using AutoLynx.Features.Calls;
using AutoLynx.Features.Campaigns;
using AutoLynx.Features.Contacts;
using AutoLynx.Vapi;
using AutoLynx.Vapi.Models;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AutoLynx.Features.Engine;

/// <summary>
/// Places one call: exactly one POST /call per call row, never a retry of the same row. Right before the POST it
/// checks that this instance still leads in the term that claimed the row, that the row is still LAUNCHING and the
/// campaign still dialable, and that the claim is not stale. Then it reads Vapi's answer: accepted (provider id
/// saved); certainly not created (given back, a later claim makes a new row); refused for the account or the key
/// (given back, and the account's room lowered or the campaign paused); rejected (the contact fails); or ambiguous
/// (the row stays LAUNCHING and <see cref="LaunchResolver"/> decides by lookup). Vapi has no idempotency key, so that
/// is the whole guard against ringing a person twice.
/// </summary>
public sealed class CallLauncher(IServiceScopeFactory scopes, TimeProvider time, ProviderLimits providerLimits, EngineLease lease, LeaderWrites writes,
    EngineMetrics metrics, ActiveCallCounts counts, IOptionsMonitor<DialerOptions> dialer, ILogger<CallLauncher> logger)
{
    private DateTime Now => time.GetUtcNow().UtcDateTime;
    private readonly ConcurrentDictionary<long, bool> _inFlight = new();
    // Campaigns this instance saw move past QUEUED: the DIALING transition is made once, not on every launch.
    private readonly ConcurrentDictionary<long, bool> _dialingMarked = new();

    /// <summary>A launch of this call is under way in this process (the resolver leaves it alone).</summary>
    public bool InFlight(long callId) => _inFlight.ContainsKey(callId);

    /// <param name="drain">Cancelled only when shutdown has waited long enough: an in-flight POST is let finish.</param>
    public async Task LaunchAsync(LaunchItem item, CancellationToken drain)
    {
        _inFlight[item.CallId] = true;
        try
        {
            await LaunchCoreAsync(item, drain);
        }
        catch (LeaseLostException)
        {
            logger.LogInformation("Call {CallId}: the engine lease was lost during launch; the leader's resolver decides by lookup", item.CallId);
        }
        catch (OperationCanceledException) when (drain.IsCancellationRequested)
        {
            logger.LogWarning("Call {CallId}: shutdown could not wait for its POST; resolved by lookup at the next start", item.CallId);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Call {CallId}: launch failed unexpectedly; left LAUNCHING for the resolver", item.CallId);
        }
        finally
        {
            _inFlight.TryRemove(item.CallId, out _);
        }
    }

    private async Task LaunchCoreAsync(LaunchItem item, CancellationToken drain)
    {
        // Nothing has been sent yet. A leader that lost its term leaves the row to the next one (which finds nothing
        // at Vapi after the cut-off and gives it back); every other stale state gives it back at once.
        if (!lease.IsLeader || lease.Term != item.Term) return;
        var o = dialer.CurrentValue;
        var now = Now;
        if (now > item.CreatedAt + o.LaunchDeadline)
        {
            await NotPlacedAsync(item, $"Not sent: the call waited more than {o.LaunchDeadline.TotalSeconds:0} s to be placed.", ContactReason.PlacementRetry, now, drain);
            return;
        }
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var dialable = Campaign.Dialable;
            var phone = item.Phone;
            var state = await (from c in db.Calls.AsNoTracking()
                               join p in db.Campaigns.AsNoTracking() on c.CampaignId equals p.Id
                               where c.Id == item.CallId
                               select new { c.Status, c.ProviderCallId, Dialable = dialable.Contains(p.Status), Dnc = db.DncEntries.Any(d => d.Phone == phone) })
                .FirstOrDefaultAsync(drain);
            if (state is null || state.Status != CallStatus.Launching || state.ProviderCallId is not null) return; // decided elsewhere
            if (!state.Dialable)
            {
                await NotPlacedAsync(item, "Not sent: the campaign was paused or stopped first.", ContactReason.CampaignPaused, null, drain);
                return;
            }
            if (state.Dnc)
            {
                // Added to the do-not-call list after the claim, a moment ago: never dialled.
                await WriteAsync(async t =>
                {
                    await t.NotPlacedAsync(item.CallId, "Not sent: the number was put on the do-not-call list.", ContactReason.DoNotCall, null, placementFailure: false, drain);
                    await t.SkipAsync([item.ContactId], ContactReason.DoNotCall, drain);
                }, drain);
                return;
            }
        }
        if (providerLimits.PostsAllowedAt is var allowed && allowed > time.GetUtcNow())
        {
            await NotPlacedAsync(item, "Not sent: Vapi asked AutoLynx to slow down.", ContactReason.RateLimited, allowed.UtcDateTime, drain);
            return;
        }

        var request = BuildRequest(item);
        var postedAt = Now;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        CreateCallResult result;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var vapi = scope.ServiceProvider.GetRequiredService<VapiClient>();
            try
            {
                result = await vapi.CreateCallAsync(request, drain);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !drain.IsCancellationRequested)
            {
                metrics.Post.Record(EngineMetrics.Ms(started));
                await FailedAsync(item, ex, postedAt, drain);
                return;
            }
        }
        metrics.Post.Record(EngineMetrics.Ms(started));
        providerLimits.ReportLimit(result.SubscriptionLimits?.ConcurrencyLimit);
        if (result.SubscriptionLimits?.ConcurrencyBlocked != true) providerLimits.Accepted();
        var accepted = System.Diagnostics.Stopwatch.GetTimestamp();
        await AcceptAsync(item.CallId, item.CampaignId, result.Call, "launch", drain);
        metrics.Accept.Record(EngineMetrics.Ms(accepted));
    }

    private async Task FailedAsync(LaunchItem item, Exception ex, DateTime postedAt, CancellationToken ct)
    {
        var now = Now;
        var said = ex is VapiApiException api ? $"Vapi answered {(int)api.StatusCode}: {api.VapiMessage}"
            : ex is TaskCanceledException ? $"POST /call timed out after {(now - postedAt).TotalSeconds:0.#} s" : $"POST /call failed: {ex.Message}";
        switch (LaunchRefusals.Classify(ex))
        {
            case LaunchFailure.ConcurrencyLimit:
            {
                var inARow = providerLimits.ReportRefused(counts.Account - 1);
                await NotPlacedAsync(item, $"{said} (the account's concurrency limit; tried again shortly)", ContactReason.AccountBusy, now.AddSeconds(2), ct);
                if (inARow >= dialer.CurrentValue.RefusalsBeforePause)
                    await PauseAsync(item.CampaignId, $"Vapi refused {inARow} calls in a row for the account's concurrency limit. Other calls (inbound, another tool) " +
                                                      "may be using the account's lines, or its limit is lower than Dialer:AccountCap. Resume when there is room.", ct);
                logger.LogWarning("Call {CallId}: Vapi's concurrency limit refused it ({InARow} in a row); contact given back", item.CallId, inARow);
                return;
            }
            case LaunchFailure.RateLimited:
            {
                var wait = (ex as VapiApiException)?.RetryAfter is { } ra && ra > TimeSpan.Zero ? ra : TimeSpan.FromSeconds(1);
                if (wait > TimeSpan.FromMinutes(1)) wait = TimeSpan.FromMinutes(1);
                providerLimits.ReportRateLimited(wait);
                await NotPlacedAsync(item, $"{said} (rate limited; tried again after {wait.TotalSeconds:0.#} s)", ContactReason.RateLimited, now + wait, ct);
                return;
            }
            case LaunchFailure.Auth:
                await GiveBackAndPauseAsync(item, said, $"Vapi refused AutoLynx's API key: {(ex as VapiApiException)?.VapiMessage}. Check Vapi:ApiKey, then resume.", ct);
                return;
            case LaunchFailure.MissingResource:
                await GiveBackAndPauseAsync(item, said, $"Vapi cannot find the campaign's assistant or phone line: {(ex as VapiApiException)?.VapiMessage}. " +
                    "Check both on the Assistants and Phone lines pages; if one is gone, re-run the campaign's remaining contacts with another (Duplicate).", ct);
                return;
            case LaunchFailure.Rejected:
                await WriteAsync(t => t.RejectedAsync(item.CallId, $"Vapi rejected the call: {said}", ct), ct);
                logger.LogWarning("Call {CallId} rejected by Vapi: {Reason}", item.CallId, said);
                return;
            case LaunchFailure.NotSent:
                await NotPlacedAsync(item, $"{said} (never sent; tried again shortly)", ContactReason.PlacementRetry, now.AddSeconds(5), ct);
                return;
            case LaunchFailure.CreatedUnreadable:
                await WriteAsync(t => t.ProviderCreatedAsync(item.CallId, item.CampaignId, postedAt, said, ct), ct);
                return;
            default:
                // The call may exist. Look first; only a lookup after the cut-off that still finds nothing lets it be given back.
                await WriteAsync(t => t.LaunchUncertainAsync(item.CallId, item.CampaignId, postedAt, now.AddSeconds(1), said, ct), ct);
                logger.LogInformation("Call {CallId}: {Said}; resolved by lookup", item.CallId, said);
                return;
        }
    }

    /// <summary>Vapi has the call: provider id and status saved, and (the first time) the campaign becomes DIALING.</summary>
    public async Task AcceptAsync(long callId, long campaignId, VapiCall call, string how, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var transitions = scope.ServiceProvider.GetRequiredService<EngineTransitions>();
        var campaigns = scope.ServiceProvider.GetRequiredService<CampaignService>();
        await writes.RunAsync(db, async () =>
        {
            await transitions.AcceptedAsync(callId, call, how, ct);
            if (!_dialingMarked.ContainsKey(campaignId)) await campaigns.MarkDialingAsync(campaignId, ct);
        }, ct);
        _dialingMarked.TryAdd(campaignId, true);
    }

    private Task NotPlacedAsync(LaunchItem item, string reason, ContactReason wait, DateTime? retryAt, CancellationToken ct)
        => WriteAsync(t => t.NotPlacedAsync(item.CallId, reason, wait, retryAt, placementFailure: false, ct), ct);

    /// <summary>
    /// One write: the contact is given back and the campaign paused together. Two writes would free the call's slot first, and the
    /// dispatcher could launch the next contact of a campaign that is about to pause (seen as PAUSED with a call in flight).
    /// </summary>
    private async Task GiveBackAndPauseAsync(LaunchItem item, string said, string pauseReason, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var transitions = scope.ServiceProvider.GetRequiredService<EngineTransitions>();
        var campaigns = scope.ServiceProvider.GetRequiredService<CampaignService>();
        await writes.RunAsync(db, async () =>
        {
            await campaigns.PauseForProblemAsync(item.CampaignId, pauseReason, ct);
            await transitions.NotPlacedAsync(item.CallId, said, ContactReason.CampaignPaused, null, placementFailure: false, ct);
        }, ct);
    }

    private async Task WriteAsync(Func<EngineTransitions, Task> work, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var transitions = scope.ServiceProvider.GetRequiredService<EngineTransitions>();
        await writes.RunAsync(db, () => work(transitions), ct);
    }

    private async Task PauseAsync(long campaignId, string reason, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await writes.RunAsync(db, () => scope.ServiceProvider.GetRequiredService<CampaignService>().PauseForProblemAsync(campaignId, reason, ct), ct);
    }

    public static CreateCallRequest BuildRequest(LaunchItem item)
    {
        var variables = new JsonObject { ["name"] = item.Name, ["business_name"] = item.BusinessName };
        if (item.ExtraJson is not null && JsonNode.Parse(item.ExtraJson) is JsonObject extra)
            foreach (var (k, v) in extra) variables.TryAdd(k, v?.DeepClone());
        return new CreateCallRequest
        {
            AssistantId = item.ProviderAssistantId,
            PhoneNumberId = item.ProviderPhoneNumberId,
            Customer = new VapiCustomer { Number = item.Phone, Name = Truncate(item.Name, 40), ExternalId = item.CallId.ToString(), Extension = item.Extension },
            Name = Truncate($"AutoLynx c{item.CampaignId} call {item.CallId}", 40),
            AssistantOverrides = new JsonObject
            {
                ["variableValues"] = variables,
                ["metadata"] = new JsonObject
                {
                    ["campaignId"] = item.CampaignId.ToString(), ["contactId"] = item.ContactId.ToString(),
                    ["callId"] = item.CallId.ToString(), ["launchKey"] = item.LaunchKey,
                },
            },
        };
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}
