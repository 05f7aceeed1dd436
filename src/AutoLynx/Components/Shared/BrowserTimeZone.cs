using Microsoft.JSInterop;

namespace AutoLynx.Components.Shared;

/// <summary>
/// The time zone of the browser on this circuit, so a scheduled start is typed and shown in the person's own time
/// (labelled with the zone's name). Until the browser has answered (pre-rendering) or when it names no zone the server
/// knows, it is UTC, and labelled so.
/// </summary>
public sealed class BrowserTimeZone(IJSRuntime js)
{
    private TimeZoneInfo? _zone;

    public async Task<TimeZoneInfo> GetAsync()
    {
        if (_zone is not null) return _zone;
        try
        {
            var id = await js.InvokeAsync<string?>("autolynx.timeZone");
            _zone = id is not null && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var found) ? found : TimeZoneInfo.Utc;
        }
        catch (Exception e) when (e is InvalidOperationException or JSException or TaskCanceledException or JSDisconnectedException)
        {
            return TimeZoneInfo.Utc; // pre-rendering, or the circuit went: ask again next time
        }
        return _zone;
    }

    /// <summary>"Europe/Berlin", or "UTC".</summary>
    public static string Name(TimeZoneInfo zone) => zone == TimeZoneInfo.Utc || zone.Id is "Etc/UTC" or "UTC" ? "UTC" : zone.Id;

    /// <summary>A UTC instant as "2026-05-01 09:00" in <paramref name="zone"/>.</summary>
    public static string Format(DateTime utc, TimeZoneInfo zone)
        => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);
}
