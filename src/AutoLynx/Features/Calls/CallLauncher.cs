using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using AutoLynx.Data;
using AutoLynx.Features.Campaigns;
using AutoLynx.Features.Contacts;
using AutoLynx.Vapi;
using AutoLynx.Vapi.Models;
using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Features.Calls;

/// <summary>
/// Places one call at Vapi and records what happened. Vapi has no idempotency key, so after any ambiguous
/// failure (timeout, 5xx, 429) the call is first looked up at the provider by its launch key; only a call
/// that is certainly absent is tried again. That lookup is the whole guard against ringing a person twice.
/// </summary>
public sealed class CallLauncher(IServiceScopeFactory scopes, TimeProvider time, ProviderLimits providerLimits,
    DispatcherSignal signal, CampaignEventHub hub, EngineLease lease, LeaderWrites writes, EngineMetrics metrics, ActiveCallCounts counts,
    ILogger<CallLauncher> logger)
{
    private static readonly TimeSpan[] Backoff = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(10)];
    private DateTime Now => time.GetUtcNow().UtcDateTime;
    // Campaigns this instance saw move past QUEUED: the DIALING transition is made once, not on every launch.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, bool> dialingMarked = new();

    public async Task LaunchAsync(LaunchItem item, CancellationToken ct)
    {
        try
        {
            await LaunchOrRetryAsync(item, ct);
        }
        catch (LeaseLostException)
        {
            // Another instance leads now; it resolves this call's LAUNCHING row by lookup.
            logger.LogInformation("Call {CallId}: the engine lease was lost during launch; left to the new leader", item.CallId);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        catch (Exception ex)
        {
            logger.LogError(ex, "Call {CallId}: launch failed unexpectedly; left LAUNCHING for recovery", item.CallId);
        }
    }

    private async Task LaunchOrRetryAsync(LaunchItem item, CancellationToken ct)
    {
        var request = BuildRequest(item);
        for (var attempt = 0; ; attempt++)
        {
            string failure;
            TimeSpan? retryAfter = null;
            await using var scope = scopes.CreateAsyncScope();
            var vapi = scope.ServiceProvider.GetRequiredService<VapiClient>();
            // A leader that was paused past its lease must not dial: the new leader may already have given this contact back.
            if (!lease.IsLeader) throw new LeaseLostException();
            try
            {
                var posted = System.Diagnostics.Stopwatch.GetTimestamp();
                var result = await vapi.CreateCallAsync(request, ct);
                metrics.Post.Record(EngineMetrics.Ms(posted));
                var accepted = System.Diagnostics.Stopwatch.GetTimestamp();
                await AcceptedAsync(item, result.Call, result.SubscriptionLimits, "launch", ct);
                metrics.Accept.Record(EngineMetrics.Ms(accepted));
                return;
            }
            catch (VapiApiException ex) when (ex.IsAuth)
            {
                await GiveBackAsync(item, $"Vapi refused the API key ({(int)ex.StatusCode}): {ex.VapiMessage}", null, ct);
                await PauseAsync(item.CampaignId, $"Vapi refused AutoLynx's API key: {ex.VapiMessage}. Check Vapi:ApiKey, then resume.", ct);
                return;
            }
            catch (VapiApiException ex) when (IsMissingResource(ex))
            {
                await GiveBackAsync(item, $"Vapi: {ex.VapiMessage}", null, ct);
                await PauseAsync(item.CampaignId, $"Vapi cannot find the campaign's assistant or phone line: {ex.VapiMessage}", ct);
                return;
            }
            catch (VapiApiException ex) when (!ex.IsTransient)
            {
                await FailAsync(item, $"Vapi rejected the call ({(int)ex.StatusCode}): {ex.VapiMessage}", ct);
                return;
            }
            catch (VapiApiException ex)
            {
                failure = $"Vapi answered {(int)ex.StatusCode}: {ex.VapiMessage}";
                retryAfter = ex.RetryAfter;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                failure = ex is TaskCanceledException ? "POST /call timed out" : $"POST /call failed: {ex.Message}";
            }

            await AppendEventAsync(item.CallId, item.CampaignId, "launch-error", null, failure, $"launch-error:{item.CallId}:{attempt}", ct);
            // Ambiguous: the call may exist. Look before trying again.
            var found = await LookupAsync(item.ProviderPhoneNumberId, item.LaunchKey, item.CallId, item.CreatedAt, ct);
            if (found.Call is { } existing)
            {
                await AcceptedAsync(item, existing, null, "lookup-adopted", ct);
                return;
            }
            if (!found.Known)
            {
                // The provider cannot say: leave the row LAUNCHING; recovery looks again later. Never POST blind.
                logger.LogWarning("Call {CallId}: launch outcome unknown and lookup failed; left for recovery", item.CallId);
                return;
            }
            if (attempt >= Backoff.Length)
            {
                await GiveBackAsync(item, $"{failure} (gave up after {attempt + 1} tries; will try again later)", TimeSpan.FromMinutes(1), ct);
                return;
            }
            var delay = retryAfter is { } ra && ra > TimeSpan.Zero ? TimeSpan.FromTicks(Math.Min(ra.Ticks, TimeSpan.FromSeconds(60).Ticks)) : Backoff[attempt];
            await Task.Delay(delay, time, ct);
        }
    }

    /// <summary>At start-up and periodically: LAUNCHING rows whose POST outcome we never learned are resolved by the lookup.</summary>
    public async Task RecoverLaunchingAsync(CancellationToken ct, TimeSpan? olderThan = null)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var cutoff = Now - (olderThan ?? TimeSpan.Zero);
        var stale = await (from call in db.Calls.AsNoTracking()
                           join line in db.PhoneLines.AsNoTracking() on call.PhoneLineId equals line.Id
                           where call.Status == CallStatus.Launching && call.ProviderCallId == null && call.CreatedAt <= cutoff
                           select new { call.Id, call.CampaignId, call.ContactId, call.LaunchKey, call.CreatedAt, call.PhoneLineId, line.ProviderPhoneNumberId })
            .ToListAsync(ct);
        foreach (var s in stale)
        {
            var item = new LaunchItem(s.Id, s.LaunchKey, s.CreatedAt, s.CampaignId, "", s.ProviderPhoneNumberId, s.PhoneLineId, s.ContactId, "", "", "", null);
            var found = await LookupAsync(s.ProviderPhoneNumberId, s.LaunchKey, s.Id, s.CreatedAt, ct);
            if (found.Call is { } existing) await AcceptedAsync(item, existing, null, "recovery-adopted", ct);
            else if (found.Known) await GiveBackAsync(item, "The app stopped before Vapi confirmed the call, and Vapi has no such call.", null, ct);
        }
        if (stale.Count > 0) logger.LogInformation("Recovered {Count} calls left LAUNCHING", stale.Count);
    }

    private async Task<(bool Known, VapiCall? Call)> LookupAsync(string phoneNumberId, string launchKey, long callId, DateTime createdAt, CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var vapi = scope.ServiceProvider.GetRequiredService<VapiClient>();
            var calls = await vapi.ListCallsAsync(new ListCallsQuery
            {
                PhoneNumberId = phoneNumberId, CreatedAtGe = new DateTimeOffset(createdAt.AddMinutes(-2), TimeSpan.Zero), Limit = 1000,
            }, ct);
            var externalId = callId.ToString();
            var match = calls.FirstOrDefault(c => c.MetadataValue("launchKey") == launchKey || c.Customer?.ExternalId == externalId);
            await AppendEventAsync(callId, null, "lookup", match?.Status, match is null ? "not found at provider" : $"found {match.Id}",
                $"lookup:{callId}:{Guid.NewGuid():N}", ct);
            return (true, match);
        }
        catch (Exception ex) when (ex is VapiApiException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            logger.LogWarning("Lookup for call {CallId} failed: {Error}", callId, ex.Message);
            return (false, null);
        }
    }

    private async Task AcceptedAsync(LaunchItem item, VapiCall call, VapiSubscriptionLimits? limits, string how, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = Now;
        providerLimits.ReportLimit(limits?.ConcurrencyLimit);
        // The first webhook can beat this answer and fill some of these in already: only fill what is missing.
        var controlUrl = call.Monitor?.ControlUrl;
        var campaigns = scope.ServiceProvider.GetRequiredService<CampaignService>();
        // One transaction: provider id, QUEUED, the audit event and (the first time) the campaign's DIALING.
        await writes.RunAsync(db, async () =>
        {
            await db.Calls.Where(c => c.Id == item.CallId)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.ProviderCallId, c => c.ProviderCallId ?? call.Id)
                    .SetProperty(c => c.LaunchedAt, c => c.LaunchedAt ?? now)
                    .SetProperty(c => c.ControlUrl, c => c.ControlUrl ?? controlUrl), ct);
            await db.Calls.Where(c => c.Id == item.CallId && c.Status == CallStatus.Launching)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, CallStatus.Queued).SetProperty(c => c.LastEventAt, now), ct);
            await AppendEventAsync(db, item.CallId, item.CampaignId, how, "QUEUED",
                JsonSerializer.Serialize(new { providerCallId = call.Id, status = call.Status, subscriptionLimits = limits }), $"{how}:{item.CallId}", ct);
            if (!dialingMarked.ContainsKey(item.CampaignId)) await campaigns.MarkDialingAsync(item.CampaignId, ct);
        }, ct);
        dialingMarked.TryAdd(item.CampaignId, true);
        hub.Publish(new CampaignChange(item.CampaignId, "call", item.CallId, "QUEUED", now));
    }

    /// <summary>The call was never created at the provider: the contact goes back to pending, the attempt does not count.</summary>
    private async Task GiveBackAsync(LaunchItem item, string reason, TimeSpan? after, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = Now;
        DateTime? next = after is { } a ? now + a : null;
        await writes.RunAsync(db, async () =>
        {
            var n = await db.Calls.Where(c => c.Id == item.CallId && c.Status == CallStatus.Launching && c.ProviderCallId == null)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, CallStatus.Canceled).SetProperty(c => c.ErrorMessage, reason)
                    .SetProperty(c => c.Outcome, "NotPlaced").SetProperty(c => c.EndedAt, now), ct);
            if (n == 1) counts.ReleaseOnCommit(item.CampaignId, item.PhoneLineId);
            await db.Contacts.Where(c => c.Id == item.ContactId && c.State == ContactState.Dialing)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.State, ContactState.Pending).SetProperty(c => c.Attempts, c => c.Attempts - 1)
                    .SetProperty(c => c.NextAttemptAt, next).SetProperty(c => c.UpdatedAt, now), ct);
            await AppendEventAsync(db, item.CallId, item.CampaignId, "launch-given-back", "CANCELED", reason, $"given-back:{item.CallId}", ct);
        }, ct);
        hub.Publish(new CampaignChange(item.CampaignId, "call", item.CallId, "CANCELED", now));
    }

    /// <summary>Vapi refused this call for a reason that retrying cannot fix (validation): the contact fails with Vapi's message.</summary>
    private async Task FailAsync(LaunchItem item, string reason, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = Now;
        await writes.RunAsync(db, async () =>
        {
            var n = await db.Calls.Where(c => c.Id == item.CallId && c.Status == CallStatus.Launching)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, CallStatus.Failed).SetProperty(c => c.ErrorMessage, reason)
                    .SetProperty(c => c.Outcome, "Rejected").SetProperty(c => c.EndedAt, now), ct);
            if (n == 1) counts.ReleaseOnCommit(item.CampaignId, item.PhoneLineId);
            await db.Contacts.Where(c => c.Id == item.ContactId && c.State == ContactState.Dialing)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.State, ContactState.Failed).SetProperty(c => c.LastOutcome, "Rejected")
                    .SetProperty(c => c.LastEndedReason, reason).SetProperty(c => c.UpdatedAt, now), ct);
            await AppendEventAsync(db, item.CallId, item.CampaignId, "launch-rejected", "FAILED", reason, $"rejected:{item.CallId}", ct);
        }, ct);
        logger.LogWarning("Call {CallId} rejected by Vapi: {Reason}", item.CallId, reason);
        hub.Publish(new CampaignChange(item.CampaignId, "call", item.CallId, "FAILED", now));
        signal.Wake();
    }

    private async Task PauseAsync(long campaignId, string reason, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await writes.RunAsync(db, () => scope.ServiceProvider.GetRequiredService<CampaignService>().PauseForProblemAsync(campaignId, reason, ct), ct);
    }

    private async Task AppendEventAsync(long callId, long? campaignId, string type, string? status, string? payload, string dedupeKey, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        try { await writes.RunAsync(db, () => AppendEventAsync(db, callId, campaignId, type, status, payload, dedupeKey, ct), ct); }
        catch (DbUpdateException) { /* the same engine event recorded already */ }
    }

    /// <summary>Inside the caller's transaction. An engine event already recorded (same dedupe key) is not added twice.</summary>
    private async Task AppendEventAsync(AppDbContext db, long callId, long? campaignId, string type, string? status, string? payload, string dedupeKey, CancellationToken ct)
    {
        if (await db.CallEvents.AnyAsync(e => e.DedupeKey == dedupeKey, ct)) return;
        db.CallEvents.Add(new CallEvent { CallId = callId, CampaignId = campaignId, Type = type, Status = status, Payload = payload, ReceivedAt = Now, DedupeKey = dedupeKey });
        await db.SaveChangesAsync(ct);
    }

    private static bool IsMissingResource(VapiApiException ex)
        => ex.StatusCode == HttpStatusCode.NotFound
           || (ex.IsValidation && ex.Messages.Any(m => m.Contains("assistant", StringComparison.OrdinalIgnoreCase) && m.Contains("exist", StringComparison.OrdinalIgnoreCase)
                                                    || m.Contains("phone", StringComparison.OrdinalIgnoreCase) && m.Contains("not found", StringComparison.OrdinalIgnoreCase)
                                                    || m.Contains("phoneNumber", StringComparison.OrdinalIgnoreCase) && m.Contains("exist", StringComparison.OrdinalIgnoreCase)));

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
