using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using AutoLynx.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Tests.Integration;

/// <summary>
/// A webhook that passes authentication but was not sent by Vapi (a leaked secret, a compromised relay) names a
/// control URL of its own for a call that Vapi has not answered for yet. Hanging up live calls must not send the Vapi
/// API key there: the forged URL is not stored, and the client would not call it anyway.
/// </summary>
public sealed class ControlUrlTrustTests
{
    [Fact]
    public async Task StopWithEndLiveCalls_ForgedControlUrlFromWebhook_AttackerReceivesNothing()
    {
        await using var attacker = new RequestRecorder();
        await using var app = AppHost.Start(Db.Sqlite);
        var id = await app.CreateCampaignAsync(AppHost.SampleCsv(1, firstNumber: 8100), cap: 1);
        // Calls are answered and stay live until hung up; Vapi is slow to answer POST /call, so a webhook can beat it.
        await SimConfigAsync(app, new
        {
            outcomes = new { talked = 1, noAnswer = 0, busy = 0, voicemail = 0, failedToConnect = 0, forwarded = 0, providerFault = 0, vapiFault = 0 },
            faults = new { rateNeverEnds = 1, rateSlowResponse = 1, slowResponseMs = 5000 },
        });
        using (var start = await app.Http.PostAsync($"api/campaigns/{id}/start", null)) Assert.Equal(HttpStatusCode.OK, start.StatusCode);

        // While our call row waits for Vapi's answer, the forged webhook names it by our id (metadata.callId) and sets a control URL.
        var callId = (await WaitForCallAsync(app, id, c => true)).GetProperty("id").GetInt64();
        var forged = "{\"message\":{\"type\":\"status-update\",\"status\":\"queued\",\"call\":{" +
                     $"\"assistantOverrides\":{{\"metadata\":{{\"callId\":\"{callId}\"}}}}," +
                     $"\"monitor\":{{\"controlUrl\":\"{attacker.Url}call/{callId}/control\"}}}}}}}}";
        using (var req = new HttpRequestMessage(HttpMethod.Post, "api/webhooks/vapi") { Content = new StringContent(forged, Encoding.UTF8, "application/json") })
        {
            req.Headers.Add("X-Vapi-Secret", app.WebhookSecret);
            using var resp = await app.Http.SendAsync(req);
            Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        }
        Assert.True(await app.WithDbAsync(d => d.CallEvents.AnyAsync(e => e.CallId == callId && e.Type == "status-update")), "the forged webhook was not applied");

        // Vapi has answered POST /call (with the call's real control URL): the call is live.
        // (The forged "queued" already moved it past LAUNCHING, so wait for Vapi's id, which only the answer brings.)
        await WaitForCallAsync(app, id, c => c.GetProperty("providerCallId").ValueKind == JsonValueKind.String);
        await SimConfigAsync(app, new { faults = new { rateSlowResponse = 0 } });
        using (var stop = await app.Http.PostAsync($"api/campaigns/{id}/stop?endLiveCalls=true", null)) Assert.Equal(HttpStatusCode.OK, stop.StatusCode);

        // Stop answers once every hang-up was attempted: whatever would have reached the attacker has.
        Assert.Empty(attacker.Requests);
        Assert.DoesNotContain(attacker.Url.ToString(), await app.WithDbAsync(d => d.Calls.Where(c => c.Id == callId).Select(c => c.ControlUrl ?? "").FirstAsync()));
        // The call was hung up through Vapi's own control URL: the simulator ended it.
        var until = DateTime.UtcNow.AddMinutes(1);
        while (!(await app.SimStatsAsync()).GetProperty("endedReasons").TryGetProperty("manually-canceled", out _))
        {
            Assert.True(DateTime.UtcNow < until, "the simulator never saw the call hung up");
            await Task.Delay(50);
        }
    }

    private static async Task SimConfigAsync(AppHost app, object config)
    {
        using var resp = await app.Simulator.PutAsJsonAsync("_sim/config", config);
        resp.EnsureSuccessStatusCode();
    }

    private static async Task<JsonElement> WaitForCallAsync(AppHost app, long campaignId, Func<JsonElement, bool> match)
    {
        var until = DateTime.UtcNow.AddMinutes(1);
        JsonElement calls = default;
        while (DateTime.UtcNow < until)
        {
            calls = await app.GetJsonAsync($"api/campaigns/{campaignId}/calls");
            foreach (var c in calls.EnumerateArray())
                if (match(c)) return c;
            await Task.Delay(50);
        }
        throw new TimeoutException($"No call of campaign {campaignId} matched in time; last seen: {calls}");
    }

    /// <summary>A loopback TCP listener that records whatever arrives (the request head, with any Authorization header).</summary>
    private sealed class RequestRecorder : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly List<string> _requests = [];
        private readonly Task _accepting;

        public RequestRecorder()
        {
            _listener.Start();
            _accepting = AcceptAsync();
        }

        public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

        public IReadOnlyList<string> Requests { get { lock (_requests) return _requests.ToList(); } }

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
                catch (OperationCanceledException) { return; }
                using (client)
                {
                    var buffer = new byte[8192];
                    var n = 0;
                    try { n = await client.GetStream().ReadAsync(buffer, _stop.Token); } catch (Exception) when (!_stop.IsCancellationRequested) { }
                    lock (_requests) _requests.Add(n > 0 ? Encoding.ASCII.GetString(buffer, 0, n) : "(connected)");
                    try { await client.GetStream().WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"u8.ToArray()); } catch (IOException) { }
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            try { await _accepting; } catch (Exception) { }
        }
    }
}
