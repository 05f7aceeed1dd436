using System.Net;
using AutoLynx.Features.Engine;
using AutoLynx.Vapi;
using Microsoft.Extensions.Options;

namespace AutoLynx.Hosting;

/// <summary>What the last probe of the Vapi API found: ok, busy (429), unauthorized (401/403: the API key) or unreachable.</summary>
public sealed record VapiProbe(string Status, string? Detail, DateTime CheckedAt)
{
    public bool Ok => Status is "ok" or "busy";
}

/// <summary>
/// Can this instance reach the Vapi API with its key? One cheap request (<c>GET /phone-number?limit=1</c>) at most every
/// <see cref="VapiOptions.ProbeEvery"/>, however often /readyz is asked; callers at the same moment share one probe.
/// </summary>
public sealed class VapiReachability(IServiceScopeFactory scopes, TimeProvider time, IOptionsMonitor<VapiOptions> options, EngineMetrics metrics)
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);
    private readonly SemaphoreSlim _one = new(1, 1);
    private VapiProbe? _last;
    private bool _gauge;

    public async Task<VapiProbe> CheckAsync(CancellationToken ct)
    {
        if (Fresh(_last) is { } cached) return cached;
        await _one.WaitAsync(ct);
        try
        {
            if (Fresh(_last) is { } again) return again;
            _last = await ProbeAsync(ct);
            if (!_gauge)
            {
                _gauge = true;
                metrics.Gauge("autolynx.vapi.reachable", () => _last?.Ok == true ? 1 : 0, "{bool}", "1 when the last probe of the Vapi API succeeded (probed when /readyz is asked)");
            }
            return _last;
        }
        finally
        {
            _one.Release();
        }
    }

    private VapiProbe? Fresh(VapiProbe? p) => p is not null && time.GetUtcNow().UtcDateTime - p.CheckedAt < options.CurrentValue.ProbeEvery ? p : null;

    private async Task<VapiProbe> ProbeAsync(CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(ProbeTimeout);
        var now = time.GetUtcNow().UtcDateTime;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<VapiClient>().ListPhoneNumbersAsync(limit: 1, cts.Token);
            return new("ok", null, now);
        }
        catch (VapiApiException ex) when (ex.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            return new("unauthorized", $"Vapi refused the API key ({(int)ex.StatusCode}): check Vapi:ApiKey (the private key).", now);
        }
        catch (VapiApiException ex) when (ex.StatusCode == HttpStatusCode.TooManyRequests)
        {
            return new("busy", "Vapi answered 429 (rate limited); it is reachable.", now);
        }
        catch (VapiApiException ex)
        {
            return new("unreachable", $"Vapi answered {(int)ex.StatusCode}.", now);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return new("unreachable", ex is TaskCanceledException ? $"No answer from Vapi within {ProbeTimeout.TotalSeconds:0} s." : $"Vapi could not be reached: {ex.Message}", now);
        }
    }
}
