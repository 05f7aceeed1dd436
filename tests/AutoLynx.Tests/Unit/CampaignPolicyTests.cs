using AutoLynx.Features.Calls;
using AutoLynx.Features.Compliance;

namespace AutoLynx.Tests.Unit;

/// <summary>Reading a campaign's policy from a client, and what its retry policy says after a call.</summary>
public sealed class CampaignPolicyTests
{
    private static readonly DateTime Now = new(2026, 12, 3, 12, 0, 0, DateTimeKind.Utc);
    private static readonly CampaignPolicy Basis = CampaignPolicy.Default with { CallingWindow = CallingWindow.Weekdays9To8 };

    private static (CampaignPolicy Policy, Dictionary<string, string[]> Errors) Read(string json) => PolicyReader.Read(json, Basis, Now);

    [Fact]
    public void Read_Nothing_KeepsTheBasis() => Assert.Same(Basis, PolicyReader.Read(null, Basis, Now).Policy);

    [Fact]
    public void Read_ExplicitNullWindow_MeansAnyTime()
    {
        var (policy, errors) = Read("""{"callingWindow": null}""");
        Assert.Empty(errors);
        Assert.Null(policy.CallingWindow);
    }

    [Fact]
    public void Read_WindowWithSpelledOutDays_IsNormalised()
    {
        var (policy, errors) = Read("""{"callingWindow": {"days": ["Saturday", "mon", "MON"], "from": "9:30", "to": "17:00"}}""");
        Assert.Empty(errors);
        Assert.Equal(["mon", "sat"], policy.CallingWindow!.Days);
        Assert.Equal(("09:30", "17:00"), (policy.CallingWindow.From, policy.CallingWindow.To));
    }

    [Theory]
    [InlineData("""{"callingWindow": {"days": ["mon"], "from": "25:00", "to": "20:00"}}""", "policy.callingWindow.from")]
    [InlineData("""{"callingWindow": {"days": ["mon"], "from": "20:00", "to": "09:00"}}""", "policy.callingWindow.to")]
    [InlineData("""{"callingWindow": {"days": ["funday"], "from": "09:00", "to": "20:00"}}""", "policy.callingWindow.days")]
    [InlineData("""{"callingWindow": {"days": [], "from": "09:00", "to": "20:00"}}""", "policy.callingWindow.days")]
    [InlineData("""{"retry": {"outcomes": ["concurrency-limited"]}}""", "policy.retry.outcomes")]
    [InlineData("""{"retry": {"delays": ["00:00:05"]}}""", "policy.retry.delays")]
    [InlineData("""{"retry": {"maxAttempts": 11}}""", "policy.retry.maxAttempts")]
    [InlineData("""{"maxCallsPerNumberPer24h": 0}""", "policy.maxCallsPerNumberPer24h")]
    [InlineData("""{"spendCap": -5}""", "policy.spendCap")]
    [InlineData("""{"startAt": "2026-12-05T10:00:00Z", "endAt": "2026-12-05T09:00:00Z"}""", "policy.endAt")]
    [InlineData("""{"endAt": "2026-12-01T09:00:00Z"}""", "policy.endAt")]
    [InlineData("""{"colour": "blue"}""", "policy.colour")]
    [InlineData("""[1, 2]""", "policy")]
    public void Read_Mistake_IsKeyedByItsField(string json, string field)
    {
        var (_, errors) = Read(json);
        Assert.True(errors.ContainsKey(field), $"expected an error on {field}, got: {string.Join("; ", errors.Select(e => e.Key + ": " + e.Value[0]))}");
        Assert.All(errors.Values, v => Assert.False(string.IsNullOrWhiteSpace(v[0])));
    }

    [Fact]
    public void Read_RetryOutcomesInAnySpelling_AreStoredAsWireNames()
    {
        var (policy, errors) = Read("""{"retry": {"outcomes": ["BUSY", "NoAnswer"], "delays": ["00:10:00"], "maxAttempts": 2}}""");
        Assert.Empty(errors);
        Assert.Equal(["busy", "no-answer"], policy.Retry.Outcomes);
    }

    [Fact]
    public void Serialize_RoundTrips()
    {
        var (policy, _) = Read("""{"spendCap": 12.5, "localPresence": true, "phoneLineIds": [3, 4], "requireConsent": true}""");
        var json = PolicyReader.Serialize(policy);
        Assert.Equal(json, PolicyReader.Serialize(PolicyReader.Deserialize(json)));
        Assert.Equal([3L, 4L], PolicyReader.Deserialize(json).PhoneLineIds);
        Assert.Equal(12.5m, PolicyReader.Deserialize(json).SpendCap);
    }

    private static readonly RetryPolicy BusyOnly = new(["busy"], ["00:30:00", "02:00:00"], 3);

    [Fact]
    public void NextAttempt_RetriedOutcome_TakesTheDelaysInTurnThenRepeatsTheLast()
    {
        Assert.Equal(Now.AddMinutes(30), RetryPolicies.NextAttempt(BusyOnly, CallOutcome.Busy, attempts: 1, Now));
        Assert.Equal(Now.AddHours(2), RetryPolicies.NextAttempt(BusyOnly, CallOutcome.Busy, attempts: 2, Now));
        var four = BusyOnly with { MaxAttempts = 4 };
        Assert.Equal(Now.AddHours(2), RetryPolicies.NextAttempt(four, CallOutcome.Busy, attempts: 3, Now));
    }

    [Fact]
    public void NextAttempt_OtherOutcomeOrLastAttempt_IsNever()
    {
        Assert.Null(RetryPolicies.NextAttempt(BusyOnly, CallOutcome.NoAnswer, attempts: 1, Now));
        Assert.Null(RetryPolicies.NextAttempt(BusyOnly, CallOutcome.Busy, attempts: 3, Now));
    }

    [Fact]
    public void NextAttempt_DemoTimeScale_CompressesTheDelay()
        => Assert.Equal(Now.AddSeconds(36), RetryPolicies.NextAttempt(BusyOnly, CallOutcome.Busy, attempts: 1, Now, timeScale: 0.02));

    [Theory]
    [InlineData("""{"doNotCall": true}""", true)]
    [InlineData("""{"doNotCall": "yes"}""", true)]
    [InlineData("""{"doNotCall": false}""", false)]
    [InlineData("""not json""", false)]
    [InlineData(null, false)]
    public void CallAnalysis_DoNotCall_IsReadLeniently(string? json, bool expected) => Assert.Equal(expected, CallAnalysis.Read(json).DoNotCall);

    [Fact]
    public void CallAnalysis_CallbackWithOffset_IsUtc()
        => Assert.Equal(new DateTime(2026, 12, 4, 15, 0, 0, DateTimeKind.Utc), CallAnalysis.Read("""{"callbackAt": "2026-12-04T10:00:00-05:00"}""").CallbackAt);
}
