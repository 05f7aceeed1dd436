using AutoLynx.Features.Analytics;
using AutoLynx.Features.Calls;
using AutoLynx.Features.Contacts;
using AutoLynx.Wire;

namespace AutoLynx.Tests.Unit;

/// <summary>The pure parts of analytics and export: success evaluations, percentiles, histograms, local hours, zones, CSV cells.</summary>
public sealed class AnalyticsRulesTests
{
    [Theory]
    [InlineData("true", true)]
    [InlineData(" \"True\" ", true)]
    [InlineData("false", false)]
    [InlineData("Pass", true)]
    [InlineData("7", true)]
    [InlineData("6", false)]
    [InlineData("1", false)]
    [InlineData("85%", true)]
    [InlineData("69", false)]
    [InlineData("70", true)]
    [InlineData("Excellent", true)]
    [InlineData("Poor", false)]
    [InlineData("Strongly Agree", true)]
    [InlineData("Neutral", false)]
    [InlineData("B+", true)]
    [InlineData("D", false)]
    [InlineData("The caller seemed interested", null)]
    [InlineData("", null)]
    [InlineData("250", null)]
    [InlineData("-3", null)]
    public void IsSuccess_EachRubricShape_ReadsAsExpected(string evaluation, bool? expected)
        => Assert.Equal(expected, SuccessEvaluations.IsSuccess(evaluation));

    [Fact]
    public void Percentile_NearestRank_OverWholeSeconds()
    {
        var h = new Dictionary<int, long> { [45] = 1, [60] = 1, [90] = 1, [120] = 1, [200] = 1 };
        Assert.Equal(90, AnalyticsFigures.Percentile(h, 0.5));
        Assert.Equal(200, AnalyticsFigures.Percentile(h, 0.9));
        Assert.Equal(45, AnalyticsFigures.Percentile(h, 0.01));
        Assert.Null(AnalyticsFigures.Percentile(new Dictionary<int, long>(), 0.5));
        Assert.Equal(10, AnalyticsFigures.Percentile(new Dictionary<int, long> { [10] = 9, [500] = 1 }, 0.9));
    }

    [Fact]
    public void Codec_RoundTripsSecondsAndReasons_AndNeutralisesSeparators()
    {
        var seconds = new Dictionary<int, long>();
        CallStatsCodec.AddSeconds(CallStatsCodec.Encode(new Dictionary<int, int> { [37] = 2, [5] = 1 }), seconds);
        CallStatsCodec.AddSeconds("37:3", seconds);
        Assert.Equal(new Dictionary<int, long> { [5] = 1, [37] = 5 }, seconds);
        var reasons = new Dictionary<string, long>();
        CallStatsCodec.AddReasons(CallStatsCodec.Encode(new Dictionary<string, int> { ["customer-busy"] = 2, ["odd,reason:x"] = 1 }), reasons);
        Assert.Equal(new Dictionary<string, long> { ["customer-busy"] = 2, ["odd_reason_x"] = 1 }, reasons);
    }

    [Fact]
    public void LocalHourOf_FollowsDaylightSavingTime()
    {
        // New York: UTC−4 in July, UTC−5 in January; Kolkata is UTC+5:30 all year.
        Assert.Equal(10, CallStatsBuilder.LocalHourOf("America/New_York", new DateTime(2026, 7, 15, 14, 10, 0, DateTimeKind.Utc)));
        Assert.Equal(9, CallStatsBuilder.LocalHourOf("America/New_York", new DateTime(2026, 1, 15, 14, 10, 0, DateTimeKind.Utc)));
        Assert.Equal(19, CallStatsBuilder.LocalHourOf("Asia/Kolkata", new DateTime(2026, 7, 15, 14, 10, 0, DateTimeKind.Utc)));
        Assert.Equal(20, CallStatsBuilder.LocalHourOf("Asia/Kolkata", new DateTime(2026, 7, 15, 14, 40, 0, DateTimeKind.Utc)));
        Assert.Equal(-1, CallStatsBuilder.LocalHourOf(null, DateTime.UtcNow));
        Assert.Equal(-1, CallStatsBuilder.LocalHourOf("Mars/Olympus_Mons", DateTime.UtcNow));
    }

    [Fact]
    public void Builder_DialedExcludesConcurrencyRefusalsAndUnplacedCalls()
    {
        var b = new CallStatsBuilder();
        var t = new DateTime(2026, 7, 15, 14, 10, 0, DateTimeKind.Utc);
        b.Add(new CallStatsRow(1, t, 1, true, CallOutcome.Talked, "customer-ended-call", 0.3m, 61.9, "true", "America/New_York"));
        b.Add(new CallStatsRow(1, t.AddMinutes(5), 1, true, CallOutcome.Talked, "customer-ended-call", 0.2m, 30, null, "America/New_York"));
        b.Add(new CallStatsRow(1, t, 1, true, CallOutcome.ConcurrencyLimited, "call.start.error-subscription-concurrency-limit-reached", null, null, null, "America/New_York"));
        b.Add(new CallStatsRow(1, t, 1, false, CallOutcome.NotPlaced, null, null, null, null, null));
        var cells = b.Cells().ToList();
        var talked = cells.Single(c => c.Outcome == "Talked");
        Assert.Equal((2, 2, 0.5m, 1, 1, 10), (talked.Calls, talked.Dialed, talked.Cost, talked.Evaluated, talked.Succeeded, talked.LocalHour));
        Assert.Equal("30:1,61:1", talked.Durations);
        Assert.Equal("customer-ended-call:2", talked.Reasons);
        Assert.Equal(new DateTime(2026, 7, 15, 14, 0, 0, DateTimeKind.Utc), talked.Hour);
        Assert.Equal((1, 0), (cells.Single(c => c.Outcome == "ConcurrencyLimited").Calls, cells.Single(c => c.Outcome == "ConcurrencyLimited").Dialed));
        Assert.Equal(-1, cells.Single(c => c.Outcome == "NotPlaced").LocalHour);
    }

    [Theory]
    [InlineData("+12125550100", "America/New_York")]
    [InlineData("+13125550100", "America/Chicago")]
    [InlineData("+14155550100", "America/Los_Angeles")]
    [InlineData("+442079460958", "Europe/London")]
    [InlineData("+4930123456", "Europe/Berlin")]
    [InlineData("not a number", null)]
    [InlineData("", null)]
    public void PhoneTimeZones_Primary_FromTheNumber(string e164, string? zone) => Assert.Equal(zone, PhoneTimeZones.Primary(e164));

    [Fact]
    public void PhoneTimeZones_NumberWithSeveralZones_ListsThemAllFirstIsStored()
    {
        // Toll-free numbers belong to no one place: every North American zone.
        var zones = PhoneTimeZones.For("+18005550100");
        Assert.True(zones.Count > 1, string.Join(",", zones));
        Assert.Equal(zones[0], PhoneTimeZones.Primary("+18005550100"));
        // Idaho's 208 is split between Mountain and Pacific time for some exchanges.
        Assert.Equal(["America/Boise", "America/Los_Angeles"], PhoneTimeZones.For("+12083001234"));
    }

    [Theory]
    [InlineData("+14155550100", true)]
    [InlineData("+1", false)]
    [InlineData("+1 415 555 0100", false)]
    [InlineData("+SUM(A1)", false)]
    [InlineData("14155550100", false)]
    public void IsE164_OnlyPlusAndDigits(string value, bool expected) => Assert.Equal(expected, SpreadsheetCsv.IsE164(value));

    [Fact]
    public void ExportFilter_AnySpellingCommaOrRepeated_UnknownNamesAreErrors()
    {
        var f = AutoLynx.Features.Campaigns.Export.ExportFilter.TryParse(["completed,FAILED"], ["no_answer", "Talked", "talked"], true, out var errors);
        Assert.Empty(errors);
        Assert.Equal([ContactState.Completed, ContactState.Failed], f!.States);
        Assert.Equal([CallOutcome.NoAnswer, CallOutcome.Talked], f.Outcomes);
        Assert.True(f.Excel);
        Assert.Null(AutoLynx.Features.Campaigns.Export.ExportFilter.TryParse(["done"], [], false, out errors));
        Assert.Contains("PENDING", errors["status"][0]);
    }
}
