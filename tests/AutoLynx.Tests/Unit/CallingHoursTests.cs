using AutoLynx.Features.Compliance;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Text;

namespace AutoLynx.Tests.Unit;

/// <summary>Calling hours in each contact's own zone, on ordinary days and on the days clocks change.</summary>
public sealed class CallingHoursTests
{
    private static readonly CallingWindow Weekdays = CallingWindow.Weekdays9To8;

    private static Instant At(string utc) => InstantPattern.ExtendedIso.Parse(utc).GetValueOrThrow();

    private static List<(DateTimeZone, DailyHours)> In(CallingWindow window, params string[] zones)
        => zones.Select(z => (DateTimeZoneProviders.Tzdb[z], DailyHours.Of(window))).ToList();

    // Monday 7 December 2026, 13:55 UTC: 08:55 in New York, 05:55 in Los Angeles, 13:55 in London, 22:55 in Tokyo.
    [Theory]
    [InlineData("America/New_York", "2026-12-07T14:00:00Z")]
    [InlineData("America/Los_Angeles", "2026-12-07T17:00:00Z")]
    [InlineData("Europe/London", "2026-12-07T13:55:00Z")]   // open now
    [InlineData("Asia/Tokyo", "2026-12-08T00:00:00Z")]      // Tuesday 09:00 in Tokyo
    public void NextOpening_MondayMorningUtc_EachZoneOpensAtNineItsOwnTime(string zone, string expected)
        => Assert.Equal(At(expected), CallingHours.NextOpening(At("2026-12-07T13:55:00Z"), In(Weekdays, zone)));

    [Fact]
    public void NextOpening_FridayAfterEightInNewYork_OpensMondayAtNine()
        => Assert.Equal(At("2026-12-07T14:00:00Z"), CallingHours.NextOpening(At("2026-12-05T01:30:00Z"), In(Weekdays, "America/New_York")));

    [Fact]
    public void NextOpening_AtTheClosingMinute_IsClosed()
    {
        // 20:00 New York is closed ("to" is exclusive); 19:59 is open.
        Assert.Equal(At("2026-12-08T14:00:00Z"), CallingHours.NextOpening(At("2026-12-08T01:00:00Z"), In(Weekdays, "America/New_York")));
        Assert.Equal(At("2026-12-08T00:59:00Z"), CallingHours.NextOpening(At("2026-12-08T00:59:00Z"), In(Weekdays, "America/New_York")));
    }

    [Fact]
    public void NextOpening_NumberInTwoZones_WaitsUntilBothAreOpen()
        // 09:30 in New York but 08:30 in Chicago: opens at 09:00 Chicago.
        => Assert.Equal(At("2026-12-07T15:00:00Z"),
            CallingHours.NextOpening(At("2026-12-07T14:30:00Z"), In(Weekdays, "America/New_York", "America/Chicago")));

    [Fact]
    public void NextOpening_SpringForwardDay_SkippedOpeningOpensWhenTheClockJumps()
    {
        // Sunday 8 March 2026 in New York: 02:00 EST becomes 03:00 EDT (07:00 UTC); 02:30 never happens.
        var window = new CallingWindow(["sun"], "02:30", "05:00");
        Assert.Equal(At("2026-03-08T07:00:00Z"), CallingHours.NextOpening(At("2026-03-08T06:00:00Z"), In(window, "America/New_York")));
    }

    [Fact]
    public void NextOpening_FallBackDay_RepeatedHourIsOpenBothTimes()
    {
        // Sunday 1 November 2026 in New York: 01:00–02:00 happens twice (EDT 05:00–06:00 UTC, then EST 06:00–07:00 UTC).
        var window = new CallingWindow(["sun"], "01:30", "02:00");
        var zones = In(window, "America/New_York");
        Assert.Equal(At("2026-11-01T05:40:00Z"), CallingHours.NextOpening(At("2026-11-01T05:40:00Z"), zones)); // 01:40 EDT
        Assert.Equal(At("2026-11-01T06:30:00Z"), CallingHours.NextOpening(At("2026-11-01T06:10:00Z"), zones)); // 01:10 EST → 01:30 EST
    }

    [Fact]
    public void NextOpening_DaysAfterTheChange_NineStaysNineLocal()
    {
        // Monday 9 March 2026 (EDT, UTC-4): nine o'clock is 13:00 UTC, not 14:00 as the week before.
        Assert.Equal(At("2026-03-09T13:00:00Z"), CallingHours.NextOpening(At("2026-03-09T12:00:00Z"), In(Weekdays, "America/New_York")));
        Assert.Equal(At("2026-03-02T14:00:00Z"), CallingHours.NextOpening(At("2026-03-02T12:00:00Z"), In(Weekdays, "America/New_York")));
    }

    [Fact]
    public void NextOpening_NoRules_IsNow()
        => Assert.Equal(At("2026-12-07T03:00:00Z"), CallingHours.NextOpening(At("2026-12-07T03:00:00Z"), []));

    private static ContactHours Hours() => new(new StaticMonitor(new ComplianceOptions()));

    [Fact]
    public void For_FloridaNumber_GetsFloridaHoursAndThreeCallsADay()
    {
        var rules = Hours().For("+13055550123", null, window: null, enforceLegal: true, maxPer24h: 10)!;
        Assert.Contains("FL", rules.States);
        Assert.Equal(3, rules.MaxCallsPer24h);
        var hours = Assert.Single(rules.Rules).Item2;
        Assert.Equal(new LocalTime(8, 0), hours.From);
        Assert.Equal(new LocalTime(20, 0), hours.To);
    }

    [Fact]
    public void For_NewYorkNumberWithOklahomaStateColumn_StricterHoursWin()
    {
        var window = new CallingWindow(["mon", "tue", "wed", "thu", "fri"], "07:00", "21:00");
        var rules = Hours().For("+12125550123", """{"state":"Oklahoma"}""", window, enforceLegal: true, maxPer24h: 10)!;
        var hours = rules.Rules[0].Item2;
        Assert.Equal(new LocalTime(8, 0), hours.From); // federal 8:00 beats the window's 7:00
        Assert.Equal(new LocalTime(20, 0), hours.To);  // Oklahoma's 20:00 beats the window's 21:00
        Assert.Equal(3, rules.MaxCallsPer24h);
    }

    [Fact]
    public void For_TimeZoneColumn_IsHeldAsWellAsTheNumbersZone()
    {
        var rules = Hours().For("+12125550123", """{"time_zone":"America/Los_Angeles"}""", Weekdays, enforceLegal: true, maxPer24h: 3)!;
        Assert.Equal(["America/New_York", "America/Los_Angeles"], rules.Rules.Select(r => r.Zone.Id));
    }

    [Fact]
    public void For_WindowOutsideLegalHours_CanNeverBeCalled()
        => Assert.Null(Hours().For("+12125550123", null, new CallingWindow(["mon"], "06:00", "08:00"), enforceLegal: true, maxPer24h: 3));

    [Fact]
    public void For_DemoAnyTime_HasNoRules()
        => Assert.Empty(Hours().For("+12125550123", null, window: null, enforceLegal: false, maxPer24h: 3)!.Rules);

    private sealed class StaticMonitor(ComplianceOptions value) : IOptionsMonitor<ComplianceOptions>
    {
        public ComplianceOptions CurrentValue => value;
        public ComplianceOptions Get(string? name) => value;
        public IDisposable? OnChange(Action<ComplianceOptions, string?> listener) => null;
    }
}
