using System.Text.Json.Nodes;
using AutoLynx.Features.Compliance;
using AutoLynx.Features.Compliance.Pages;

namespace AutoLynx.Tests.Unit;

/// <summary>The policy editor's form: schedule typed in the browser's zone and sent in UTC, the pool without the campaign's own line.</summary>
public sealed class PolicyFormTests
{
    private static readonly TimeZoneInfo Tokyo = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    private static readonly DateTime Now = new(2026, 12, 3, 12, 0, 0, DateTimeKind.Utc);

    private static JsonObject Json(PolicyForm form, long? mainLine = null) => JsonNode.Parse(form.ToJson(mainLine))!.AsObject();

    [Fact]
    public void ToJson_StartTypedInTokyo_IsSentInUtcAndReadBackTheSame()
    {
        var form = PolicyForm.Of(CampaignPolicy.Default, Tokyo);
        form.StartAt = "2026-12-04T09:00";
        var json = form.ToJson();
        Assert.Equal("2026-12-04T00:00:00Z", JsonNode.Parse(json)!["startAt"]!.GetValue<string>());
        var (policy, errors) = PolicyReader.Read(json, CampaignPolicy.Default, Now);
        Assert.Empty(errors);
        Assert.Equal(new DateTime(2026, 12, 4, 0, 0, 0, DateTimeKind.Utc), policy.StartAt);
        Assert.Equal("2026-12-04T09:00", PolicyForm.Of(policy, Tokyo).StartAt);
    }

    [Fact]
    public void ToJson_TimeTheClocksSkip_IsTheHourAfter()
    {
        // 2027-03-14 02:30 does not exist in New York (02:00 → 03:00): read as 03:30 EDT = 07:30 UTC.
        var form = PolicyForm.Of(CampaignPolicy.Default, NewYork);
        form.StartAt = "2027-03-14T02:30";
        Assert.Equal("2027-03-14T07:30:00Z", Json(form)["startAt"]!.GetValue<string>());
    }

    [Fact]
    public void ToJson_ScheduleAsLoaded_IsNotSentSoAPastEndDoesNotBlockOtherEdits()
    {
        var stored = CampaignPolicy.Default with { EndAt = Now.AddHours(-1).AddSeconds(17) };
        var form = PolicyForm.Of(stored, Tokyo);
        form.From = "10:00";
        var json = Json(form);
        Assert.False(json.ContainsKey("endAt"));
        Assert.False(json.ContainsKey("startAt"));
        Assert.Empty(PolicyReader.Read(json.ToJsonString(), stored, Now).Errors);
    }

    [Fact]
    public void ToJson_ScheduleCleared_SendsNull()
    {
        var form = PolicyForm.Of(CampaignPolicy.Default with { StartAt = Now.AddDays(1) }, Tokyo);
        form.StartAt = "";
        var json = Json(form);
        Assert.True(json.ContainsKey("startAt"));
        Assert.Null(json["startAt"]);
    }

    [Fact]
    public void ToJson_NotADate_IsSentAsTypedForTheServerToName()
    {
        var form = PolicyForm.Of(CampaignPolicy.Default, Tokyo);
        form.EndAt = "soon";
        var (_, errors) = PolicyReader.Read(form.ToJson(), CampaignPolicy.Default, Now);
        Assert.Contains("policy.endAt", errors.Keys);
    }

    [Fact]
    public void ToJson_PoolWithTheMainLine_LeavesItOutAndSendsPacing()
    {
        var form = PolicyForm.Of(CampaignPolicy.Default with { PhoneLineIds = [3, 1], LocalPresence = true, CallStartsPerSecond = 0.5 });
        form.PoolLineIds.Add(7);
        var json = Json(form, mainLine: 1);
        Assert.Equal([3L, 7L], json["phoneLineIds"]!.AsArray().Select(n => n!.GetValue<long>()).ToArray());
        Assert.True(json["localPresence"]!.GetValue<bool>());
        Assert.Equal(0.5, json["callStartsPerSecond"]!.GetValue<double>());
    }

    [Fact]
    public void UseZone_BrowserAnswersLater_TypedTimeKeepsItsInstant()
    {
        var form = PolicyForm.Of(CampaignPolicy.Default with { StartAt = new DateTime(2026, 12, 4, 0, 0, 0, DateTimeKind.Utc) });
        Assert.Equal("2026-12-04T00:00", form.StartAt);
        form.UseZone(Tokyo);
        Assert.Equal("2026-12-04T09:00", form.StartAt);
    }
}
