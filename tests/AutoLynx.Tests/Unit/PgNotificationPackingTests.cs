using System.Text;
using AutoLynx.Features.Calls;
using AutoLynx.Features.Engine;
using Envelope = AutoLynx.Features.Engine.PgNotifications.Envelope;

namespace AutoLynx.Tests.Unit;

/// <summary>How changes and wake-ups are packed into NOTIFY payloads (PostgreSQL refuses 8,000 bytes or more).</summary>
public sealed class PgNotificationPackingTests
{
    private static Envelope Change(int i) => new("me", "change", CampaignChange.ForCall(7, i, CallStatus.Ended, new DateTime(2026, 12, 4, 20, 0, 0, DateTimeKind.Utc)));

    [Fact]
    public void Pack_KeepsEveryChangeInOrder_InPayloadsUnderTheLimit()
    {
        var sent = Enumerable.Range(1, 500).Select(Change).ToList();

        var payloads = PgNotifications.Pack(sent);

        Assert.True(payloads.Count > 1, "500 changes do not fit one payload");
        Assert.True(payloads.Count < 50, $"{payloads.Count} payloads for 500 changes: they are not packed");
        Assert.All(payloads, p => Assert.InRange(Encoding.UTF8.GetByteCount(p), 1, PgNotifications.MaxPayloadBytes));
        var received = payloads.SelectMany(PgNotifications.Unpack).ToList();
        Assert.Equal(sent.Select(e => e.Change!.CallId), received.Select(e => e.Change!.CallId));
        Assert.Equal(sent, received);
    }

    [Fact]
    public void Pack_SendsARepeatedWakeUpOncePerPayload()
    {
        var sent = new[]
        {
            new Envelope("me", "wake-dispatcher", null), Change(1), new Envelope("me", "wake-dispatcher", null),
            new Envelope("me", "wake-inbox", null), new Envelope("me", "wake-dispatcher", null),
        };

        var received = PgNotifications.Pack(sent).SelectMany(PgNotifications.Unpack).ToList();

        Assert.Equal(["wake-dispatcher", "change", "wake-inbox"], received.Select(e => e.Kind));
    }

    [Fact]
    public void Unpack_ReadsAnEarlierVersionsSingleEnvelope_AndIgnoresGarbage()
    {
        var one = PgNotifications.Unpack("""{"from":"other","kind":"wake-inbox","change":null}""");
        Assert.Equal(new Envelope("other", "wake-inbox", null), Assert.Single(one));
        Assert.Empty(PgNotifications.Unpack("not json"));
    }
}
