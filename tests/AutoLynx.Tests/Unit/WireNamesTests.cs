using System.Text.Json;
using AutoLynx.Features.Calls;
using AutoLynx.Features.Campaigns;
using AutoLynx.Features.Contacts;
using AutoLynx.Wire;

namespace AutoLynx.Tests.Unit;

public sealed class WireNamesTests
{
    [Fact]
    public void Json_StatesAreUpperSnake_OutcomesAndModesKebab()
    {
        var json = JsonSerializer.Serialize(new { a = CallStatus.InProgress, b = CampaignStatus.Completed, c = ContactState.Pending, d = CallOutcome.NoAnswer, e = DialMode.Batch },
            JsonSerializerOptions.Web);
        Assert.Equal("""{"a":"IN_PROGRESS","b":"COMPLETED","c":"PENDING","d":"no-answer","e":"batch"}""", json);
    }

    [Fact]
    public void Json_ReadsTheWireNamesBack_AndRefusesNumbers()
    {
        Assert.Equal(CallOutcome.FailedToConnect, JsonSerializer.Deserialize<CallOutcome>("\"failed-to-connect\"", JsonSerializerOptions.Web));
        Assert.Equal(CallStatus.InProgress, JsonSerializer.Deserialize<CallStatus>("\"IN_PROGRESS\"", JsonSerializerOptions.Web));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<CallStatus>("3", JsonSerializerOptions.Web));
    }

    [Fact]
    public void CampaignChange_StatusIsTheWireNameForCampaignsAndCalls()
    {
        Assert.Equal("COMPLETED", CampaignChange.ForStatus(1, CampaignStatus.Completed).Status);
        Assert.Equal("IN_PROGRESS", CampaignChange.ForCall(1, 2, CallStatus.InProgress, DateTime.UtcNow).Status);
        Assert.Contains("\"kind\":\"status\"", JsonSerializer.Serialize(CampaignChange.ForStatus(1, CampaignStatus.Paused), JsonSerializerOptions.Web));
    }

    [Theory]
    [InlineData("IN_PROGRESS", CallStatus.InProgress)]
    [InlineData("in-progress", CallStatus.InProgress)]
    [InlineData("InProgress", CallStatus.InProgress)]
    [InlineData(" queued ", CallStatus.Queued)]
    public void TryParse_AnySpelling(string text, CallStatus expected)
    {
        Assert.True(WireNames.TryParse<CallStatus>(text, out var v));
        Assert.Equal(expected, v);
    }

    [Theory]
    [InlineData("3")]
    [InlineData("")]
    [InlineData("ringing-ish")]
    [InlineData(null)]
    public void TryParse_RefusesNumbersAndUnknownNames(string? text) => Assert.False(WireNames.TryParse<CallStatus>(text, out _));

    [Fact]
    public void EveryOutcome_HasAWireNameThatRoundTrips()
    {
        foreach (var o in Enum.GetValues<CallOutcome>())
        {
            Assert.True(WireNames.TryParse<CallOutcome>(WireNames.Kind(o), out var back));
            Assert.Equal(o, back);
        }
    }
}
