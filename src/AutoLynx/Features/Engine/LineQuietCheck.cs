using AutoLynx.Vapi;
using AutoLynx.Vapi.Models;

namespace AutoLynx.Features.Engine;

/// <summary>
/// Strict batch mode with line-quiet gating: the next batch starts only when the phone line has no live call at the
/// provider, whoever placed it (another tool, a person in Vapi's dashboard). Vapi's GET /call has no status filter,
/// so it reads every call of the line created in the last 12 hours (Vapi's longest possible call), paged through
/// <see cref="ProviderCallSearch"/>, and counts those not ended.
/// </summary>
public sealed class LineQuietCheck(IServiceScopeFactory scopes, TimeProvider time, ILogger<LineQuietCheck> logger)
{
    public static readonly TimeSpan LongestCall = TimeSpan.FromHours(12);
    private static readonly string[] Over = [VapiCallStatus.Ended, "not-found", "deletion-failed"];

    /// <summary>How many calls are live on the line at the provider; null when the provider could not be asked (then: wait).</summary>
    public async Task<int?> ActiveCallsAsync(string providerPhoneNumberId, CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var vapi = scope.ServiceProvider.GetRequiredService<VapiClient>();
            var now = time.GetUtcNow();
            var calls = await ProviderCallSearch.ListAsync(vapi, providerPhoneNumberId, now - LongestCall, now + TimeSpan.FromMinutes(1), ct);
            return calls.Count(c => !Over.Contains(c.Status));
        }
        catch (Exception ex) when (ex is VapiApiException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            logger.LogWarning("Could not ask Vapi whether line {PhoneNumberId} is quiet: {Error}; the next batch waits", providerPhoneNumberId, ex.Message);
            return null;
        }
    }
}
