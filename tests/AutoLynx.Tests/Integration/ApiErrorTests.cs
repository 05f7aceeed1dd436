using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AutoLynx.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Tests.Integration;

/// <summary>Bad input gets a clear 4xx ProblemDetails, never a 500, and nothing stored is lost.</summary>
public sealed class ApiErrorTests : IAsyncLifetime
{
    private AppHost _app = null!;

    public Task InitializeAsync()
    {
        _app = AppHost.Start(Db.Sqlite);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage resp, int status, string? detailContains = null)
    {
        var body = await resp.Content.ReadAsStringAsync();
        Assert.True((int)resp.StatusCode == status, $"expected {status}, got {(int)resp.StatusCode}: {body}");
        Assert.Contains("problem+json", resp.Content.Headers.ContentType?.MediaType ?? "");
        var json = JsonDocument.Parse(body).RootElement;
        Assert.True(json.TryGetProperty("title", out _));
        if (detailContains is not null)
            Assert.Contains(detailContains, json.GetProperty("detail").GetString() ?? "", StringComparison.OrdinalIgnoreCase);
        return json;
    }

    [Fact]
    public async Task GetCampaign_UnknownId_404WithMessage()
    {
        using var resp = await _app.Http.GetAsync("api/campaigns/987654");
        await AssertProblemAsync(resp, 404, "no campaign with id 987654");
        using var start = await _app.Http.PostAsync("api/campaigns/987654/start", null);
        await AssertProblemAsync(start, 404);
        using var contacts = await _app.Http.GetAsync("api/campaigns/987654/contacts");
        await AssertProblemAsync(contacts, 404);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("first,second\n1,2\n", "missing the required columns name, business_name, phone")]
    [InlineData("name,business_name,phone\n", "no contact rows")]
    [InlineData("name,business_name,phone\n,Acme,123\n", "none of the 1 rows")]
    public async Task CreateCampaign_MalformedCsv_4xxSaysWhy(string csv, string expected)
    {
        var ids = await IdsAsync();
        using var form = AppHost.Multipart(csv, ("name", "Bad"), ("assistantId", ids.Assistant), ("phoneLineId", ids.Line), ("cap", "3"));
        using var resp = await _app.Http.PostAsync("api/campaigns", form);
        Assert.InRange((int)resp.StatusCode, 400, 499);
        var json = await AssertProblemAsync(resp, (int)resp.StatusCode);
        Assert.Contains(expected, json.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, await _app.WithDbAsync(d => d.Campaigns.CountAsync()));
    }

    [Fact]
    public async Task CreateCampaign_BinaryFile_400NotACsv()
    {
        var ids = await IdsAsync();
        var bytes = new byte[] { 0x50, 0x4B, 0x03, 0x04, 0, 0, 1, 2, 3 };
        using var form = AppHost.Multipart(bytes, ("name", "Bin"), ("assistantId", ids.Assistant), ("phoneLineId", ids.Line));
        using var resp = await _app.Http.PostAsync("api/campaigns", form);
        await AssertProblemAsync(resp, 400, "not a CSV");
    }

    [Fact]
    public async Task CreateCampaign_MissingFieldsAndUnknownIds_ValidationProblem()
    {
        using var noFile = new MultipartFormDataContent { { new StringContent("x"), "name" } };
        using var r1 = await _app.Http.PostAsync("api/campaigns", noFile);
        var p1 = await AssertProblemAsync(r1, 400);
        Assert.True(p1.GetProperty("errors").TryGetProperty("file", out _));

        using var form = AppHost.Multipart(AppHost.SampleCsv(2), ("name", "X"), ("assistantId", "999"), ("phoneLineId", "999"));
        using var r2 = await _app.Http.PostAsync("api/campaigns", form);
        var p2 = await AssertProblemAsync(r2, 400);
        Assert.Contains("no assistant with id 999", p2.GetProperty("errors").GetProperty("assistantId")[0].GetString());

        using var json = await _app.Http.PostAsJsonAsync("api/campaigns", new { name = "x" });
        await AssertProblemAsync(json, 415);
    }

    [Fact]
    public async Task CreateCampaign_BadRows_ReportedRowByRowOthersImported()
    {
        var csv = "Name,Company,Phone Number,Notes\n" +
                  "Ann,Acme,(415) 555-0123,hi\n" +
                  ",Acme,415-555-0124,\n" +
                  "Bob,Acme,12,\n" +
                  "Cid,Acme,415.555.0123,dup\n" +
                  "Dee,Acme,+44 20 7946 0958,uk\n";
        var id = await _app.CreateCampaignAsync(csv);
        var ids = await IdsAsync();
        using var form = AppHost.Multipart(csv, ("name", "R"), ("assistantId", ids.Assistant), ("phoneLineId", ids.Line));
        using var resp = await _app.Http.PostAsync("api/campaigns/validate", form);
        var report = await resp.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(5, report.GetProperty("totalRows").GetInt32());
        Assert.Equal(2, report.GetProperty("accepted").GetInt32());
        var skipped = report.GetProperty("skipped").EnumerateArray().ToList();
        Assert.Equal(2, skipped.Count);
        Assert.Equal(3, skipped[0].GetProperty("row").GetInt32());
        Assert.Contains("Name is empty", skipped[0].GetProperty("reason").GetString());
        Assert.Contains("too short", skipped[1].GetProperty("reason").GetString());
        var dup = report.GetProperty("duplicates")[0];
        Assert.Equal(5, dup.GetProperty("row").GetInt32());
        Assert.Equal(2, dup.GetProperty("firstRow").GetInt32());

        var contacts = await _app.GetJsonAsync($"api/campaigns/{id}/contacts");
        var phones = contacts.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("phone").GetString()).ToList();
        Assert.Equal(new[] { "+14155550123", "+442079460958" }, phones);
        Assert.Equal("hi", contacts.GetProperty("items")[0].GetProperty("extra").GetProperty("notes").GetString());
    }

    [Fact]
    public async Task Start_Twice_409AndDeleteStarted409()
    {
        var id = await _app.CreateCampaignAsync(AppHost.SampleCsv(3));
        using (var first = await _app.Http.PostAsync($"api/campaigns/{id}/start", null)) Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using var second = await _app.Http.PostAsync($"api/campaigns/{id}/start", null);
        await AssertProblemAsync(second, 409, "start is not possible");
        using var del = await _app.Http.DeleteAsync($"api/campaigns/{id}");
        await AssertProblemAsync(del, 409);
    }

    [Fact]
    public async Task Webhook_WrongOrMissingSecret_401AndNothingChanged()
    {
        var id = await _app.CreateCampaignAsync(AppHost.SampleCsv(1));
        await _app.Http.PostAsync($"api/campaigns/{id}/start", null);
        await _app.WaitForStatusAsync(id, "COMPLETED", TimeSpan.FromMinutes(2));
        // COMPLETED can come before the last webhooks of the call (the end-of-call report) are stored: wait until quiet.
        var before = await QuietCountsAsync();
        var call = (await _app.GetJsonAsync($"api/campaigns/{id}/calls"))[0];
        var body = "{\"message\":{\"type\":\"status-update\",\"status\":\"in-progress\",\"call\":{\"id\":\"" + call.GetProperty("providerCallId").GetString() + "\"}}}";

        foreach (var secret in new[] { null, "wrong", _app.WebhookSecret + "x", "" })
        {
            using var req = new HttpRequestMessage(HttpMethod.Post, "api/webhooks/vapi") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            if (secret is not null) req.Headers.Add("X-Vapi-Secret", secret);
            using var resp = await _app.Http.SendAsync(req);
            await AssertProblemAsync(resp, 401);
        }
        using (var bearer = new HttpRequestMessage(HttpMethod.Post, "api/webhooks/vapi") { Content = new StringContent(body, Encoding.UTF8, "application/json") })
        {
            bearer.Headers.Authorization = new("Bearer", "nope");
            using var resp = await _app.Http.SendAsync(bearer);
            await AssertProblemAsync(resp, 401);
        }
        var after = await _app.WithDbAsync(async d => (await d.WebhookInbox.CountAsync(), await d.CallEvents.CountAsync()));
        Assert.Equal(before, after);
        var callAfter = (await _app.GetJsonAsync($"api/campaigns/{id}/calls"))[0];
        Assert.Equal(call.GetProperty("status").GetString(), callAfter.GetProperty("status").GetString());
    }

    /// <summary>Inbox and event counts once they have not moved for a second (at most 20 s).</summary>
    private async Task<(int Inbox, int Events)> QuietCountsAsync()
    {
        var last = (-1, -1);
        var stableSince = DateTime.UtcNow;
        var until = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < until)
        {
            var now = await _app.WithDbAsync(async d => (await d.WebhookInbox.CountAsync(), await d.CallEvents.CountAsync()));
            if (now != last) { last = now; stableSince = DateTime.UtcNow; }
            else if (DateTime.UtcNow - stableSince > TimeSpan.FromSeconds(1)) break;
            await Task.Delay(100);
        }
        return last;
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{\"nomessage\":1}")]
    [InlineData("[1,2,3]")]
    public async Task Webhook_HostileBodyWithRightSecret_400NotStored(string body)
    {
        var before = await _app.WithDbAsync(d => d.WebhookInbox.CountAsync());
        using var req = new HttpRequestMessage(HttpMethod.Post, "api/webhooks/vapi") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        req.Headers.Add("X-Vapi-Secret", _app.WebhookSecret);
        using var resp = await _app.Http.SendAsync(req);
        await AssertProblemAsync(resp, 400);
        Assert.Equal(before, await _app.WithDbAsync(d => d.WebhookInbox.CountAsync()));
    }

    [Fact]
    public async Task Webhook_UnusedTypeWithRightSecret_200NotStored()
    {
        // What Vapi's default serverMessages add (speech and conversation updates, several per turn) is answered and dropped.
        foreach (var type in (string[])["speech-update", "conversation-update", "user-interrupted", "model-output"])
        {
            using var req = new HttpRequestMessage(HttpMethod.Post, "api/webhooks/vapi")
            {
                Content = new StringContent(
                    """{"message":{"type":""" + JsonSerializer.Serialize(type) + ""","status":"started","role":"user","call":{"id":"nope"}}}""",
                    Encoding.UTF8, "application/json"),
            };
            req.Headers.Add("X-Vapi-Secret", _app.WebhookSecret);
            using var resp = await _app.Http.SendAsync(req);
            Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        }
        Assert.Equal(0, await _app.WithDbAsync(d => d.WebhookInbox.CountAsync(x => x.ProviderCallId == "nope")));
    }

    [Fact]
    public async Task Healthz_Answers200()
    {
        using var resp = await _app.Http.GetAsync("healthz");
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
    }

    private async Task<(string Assistant, string Line)> IdsAsync()
    {
        var a = await _app.GetJsonAsync("api/assistants");
        var l = await _app.GetJsonAsync("api/phone-lines");
        return (a[0].GetProperty("id").GetInt64().ToString(), l[0].GetProperty("id").GetInt64().ToString());
    }
}
