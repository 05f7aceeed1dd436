using System.Collections.Concurrent;
using AutoLynx.Features.Calls;
using AutoLynx.Features.Engine;
using Microsoft.Extensions.Options;

namespace AutoLynx.Features.PhoneLines;

/// <summary>
/// Vapi's count of live calls on a line (GET /call?phoneNumberId, through <see cref="LineQuietCheck"/>), reused for
/// <see cref="PhoneLineHealthOptions.ProviderCacheFor"/> so a page of lines refreshed every few seconds does not turn
/// into a stream of API requests. Concurrent askers for the same line share one request.
/// </summary>
public sealed class ProviderLineActivity(LineQuietCheck lines, TimeProvider time, IOptionsMonitor<PhoneLineHealthOptions> options)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<Reading>>> _cache = new(StringComparer.Ordinal);

    /// <summary>Live calls at Vapi (null when Vapi could not be asked) and when that was read.</summary>
    public sealed record Reading(int? ActiveCalls, DateTime At);

    public async Task<Reading> ActiveCallsAsync(string providerPhoneNumberId, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        while (true)
        {
            var entry = _cache.GetOrAdd(providerPhoneNumberId, id => new Lazy<Task<Reading>>(() => ReadAsync(id)));
            var reading = await entry.Value.WaitAsync(ct);
            if (now - reading.At < options.CurrentValue.ProviderCacheFor) return reading;
            _cache.TryRemove(new KeyValuePair<string, Lazy<Task<Reading>>>(providerPhoneNumberId, entry));
        }
    }

    // Not tied to one caller's cancellation: the answer is shared.
    private async Task<Reading> ReadAsync(string id)
    {
        int? n;
        try { n = await lines.ActiveCallsAsync(id, CancellationToken.None); }
        catch (Exception) { n = null; } // unknown, and asked again after the cache time like any reading
        return new Reading(n, time.GetUtcNow().UtcDateTime);
    }
}
