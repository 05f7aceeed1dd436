using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AutoLynx.Vapi.Models;

namespace AutoLynx.Vapi.Tests.Client;

/// <summary>The shared serializer settings, as the client uses them to read Vapi's answers and write requests back.</summary>
public sealed class VapiJsonTests
{
    [Fact]
    public void Deserialize_CallWithDatesInEveryForm_ReadsUtcInstants()
    {
        var call = JsonSerializer.Deserialize<VapiCall>("""
            {"id":"c-1","createdAt":"2026-01-01T09:59:48.120Z","updatedAt":1767261631498,"startedAt":"2026-01-01T11:00:00+01:00",
             "endedAt":"garbage","cost":"0.5",}
            """, VapiJson.Options)!;

        Assert.Equal(new DateTimeOffset(2026, 1, 1, 9, 59, 48, 120, TimeSpan.Zero), call.CreatedAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1767261631498), call.UpdatedAt);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 10, 0, 0, TimeSpan.Zero), call.StartedAt);
        Assert.Null(call.EndedAt);
        Assert.Equal(0.5m, call.Cost);
    }

    [Fact]
    public void Serialize_Request_OmitsNullsAndUsesCamelCase()
    {
        var json = JsonSerializer.Serialize(new CreateCallRequest
        {
            AssistantId = "a-1",
            PhoneNumberId = "p-1",
            Customer = new VapiCustomer { Number = "+14155550123", ExternalId = "contact-42" },
        }, VapiJson.Options);

        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"assistantId":"a-1","phoneNumberId":"p-1","customer":{"number":"+14155550123","externalId":"contact-42"}}"""),
            JsonNode.Parse(json)), json);
    }

    [Theory]
    [InlineData("")] // invariant
    [InlineData("en-US")]
    [InlineData("de-DE")]
    public void Serialize_CallDates_AreIsoUtcMilliseconds(string culture)
    {
        var json = SerializeUnder(culture);

        Assert.Contains("\"createdAt\":\"2026-01-01T09:59:48.120Z\"", json);
        Assert.DoesNotContain("endedAt", json, StringComparison.Ordinal); // nulls are not written
    }

    [Theory]
    [InlineData("th-TH")] // Thai Buddhist calendar: year 2569
    [InlineData("fi-FI")] // time separator '.'
    [InlineData("fa-IR")] // Persian calendar
    public void Serialize_CallDatesUnderAnyCulture_AreIsoUtcMilliseconds(string culture)
    {
        var json = SerializeUnder(culture);

        Assert.Contains("\"createdAt\":\"2026-01-01T09:59:48.120Z\"", json);
    }

    private static string SerializeUnder(string culture)
    {
        var call = new VapiCall { Id = "c-1", CreatedAt = new DateTimeOffset(2026, 1, 1, 10, 59, 48, 120, TimeSpan.FromHours(1)) };
        var saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(culture);
            return JsonSerializer.Serialize(call, VapiJson.Options);
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }
}
