using System.Globalization;
using AutoLynx.Features.Contacts;
using NodaTime;

namespace AutoLynx.Features.Compliance;

/// <summary>How a wait reads for an operator: "Waiting for calling hours: opens 09:00 America/Chicago, in 2 h 10 min".</summary>
public static class WaitingWords
{
    public static string Describe(ContactReason reason, DateTime until, DateTime now, string? zoneId)
    {
        var when = In(until - now);
        var zone = zoneId is null ? null : DateTimeZoneProviders.Tzdb.GetZoneOrNull(zoneId);
        var local = zone is null ? until.ToString("HH:mm 'UTC'", CultureInfo.InvariantCulture)
            : Instant.FromDateTimeUtc(DateTime.SpecifyKind(until, DateTimeKind.Utc)).InZone(zone).ToString("HH:mm", CultureInfo.InvariantCulture) + " " + zone.Id;
        return reason switch
        {
            ContactReason.OutsideCallingHours => $"Waiting for calling hours: opens {local}, {when}.",
            ContactReason.RetryScheduled => $"Waiting to call again (retry policy): next attempt {when}.",
            ContactReason.CallbackRequested => $"Waiting for a callback the person asked for: {local}, {when}.",
            ContactReason.LiveElsewhere => $"Waiting: the next number is on a call in another campaign; trying again {when}.",
            ContactReason.DailyLimit => $"Waiting: the next number has had the most calls allowed in 24 hours; {when}.",
            ContactReason.RateLimited => $"Waiting: Vapi asked AutoLynx to slow down; {when}.",
            ContactReason.AccountBusy => $"Waiting: the Vapi account is at its concurrency limit; trying again {when}.",
            _ => $"Waiting until {local}, {when}.",
        };
    }

    /// <summary>"in 2 h 10 min", "in 45 s", "now".</summary>
    public static string In(TimeSpan span)
    {
        if (span <= TimeSpan.FromSeconds(1)) return "now";
        if (span < TimeSpan.FromMinutes(1)) return $"in {span.TotalSeconds:0} s";
        if (span < TimeSpan.FromHours(1)) return $"in {span.TotalMinutes:0} min";
        if (span < TimeSpan.FromDays(2)) return $"in {(int)span.TotalHours} h {span.Minutes} min";
        return $"in {(int)span.TotalDays} days";
    }
}
