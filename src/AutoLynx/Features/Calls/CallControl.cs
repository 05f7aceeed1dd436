using AutoLynx.Data;
using AutoLynx.Vapi;
using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Features.Calls;

/// <summary>Hangs up live calls through each call's monitor.controlUrl (Vapi's DELETE /call only erases data).</summary>
public sealed class CallControl(AppDbContext db, VapiClient vapi, TimeProvider time, ILogger<CallControl> logger)
{
    /// <summary>Asks the provider to end every live call of a campaign. The calls end through their webhooks as usual.</summary>
    public async Task<(int Asked, int Failed)> EndLiveCallsAsync(long campaignId, CancellationToken ct)
    {
        var live = await db.Calls.AsNoTracking()
            .Where(c => c.CampaignId == campaignId && c.ControlUrl != null
                        && (c.Status == CallStatus.Queued || c.Status == CallStatus.Ringing || c.Status == CallStatus.InProgress))
            .Select(c => new { c.Id, c.ControlUrl }).ToListAsync(ct);
        var failed = 0;
        foreach (var call in live)
        {
            try
            {
                await vapi.EndCallAsync(call.ControlUrl!, ct);
                db.CallEvents.Add(new CallEvent
                {
                    CallId = call.Id, CampaignId = campaignId, Type = "end-requested", ReceivedAt = time.GetUtcNow().UtcDateTime,
                    Payload = "Operator stopped the campaign and ended live calls", DedupeKey = $"end-requested:{call.Id}",
                });
            }
            catch (Exception ex) when (ex is VapiApiException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                failed++;
                logger.LogWarning("Could not end call {CallId}: {Error}", call.Id, ex.Message);
            }
        }
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException) { /* asked twice: the event is already recorded */ }
        return (live.Count, failed);
    }
}
