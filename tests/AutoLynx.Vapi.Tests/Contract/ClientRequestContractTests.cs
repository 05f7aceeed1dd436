using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using AutoLynx.Vapi.Models;
using AutoLynx.Vapi.Tests.Client;
using AutoLynx.Vapi.Tests.Simulator;
using AutoLynx.VapiSimulator.Spec;
using Microsoft.AspNetCore.WebUtilities;

namespace AutoLynx.Vapi.Tests.Contract;

/// <summary>Every request <see cref="VapiClient"/> sends, judged by Vapi's published OpenAPI document with unknown
/// properties refused as Vapi refuses them (the simulator checks the same on every request; these judge the captured
/// bytes directly), and the simulator's 400 for what Vapi refuses.</summary>
public sealed class ClientRequestContractTests
{
    [Fact]
    public async Task VapiClient_EveryRequestItSends_IsValidForTheSpec()
    {
        await using var vapi = await SimulatedVapi.StartAsync();
        var recorder = new RecordingHandler { InnerHandler = new HttpClientHandler() };
        using var http = new HttpClient(recorder)
        {
            BaseAddress = new Uri(vapi.Simulator.BaseUrl.ToString().TrimEnd('/') + "/"),
            DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", vapi.Simulator.Options.ApiKey) },
        };
        var client = new VapiClient(http);

        var assistant = await client.CreateAssistantAsync(new JsonObject
        {
            ["name"] = "Sam outbound",
            ["firstMessage"] = "Hi {{name}}",
            ["server"] = new JsonObject { ["url"] = "https://example.com/api/webhooks/vapi", ["headers"] = new JsonObject { ["X-Vapi-Secret"] = "s" } },
            ["analysisPlan"] = new JsonObject { ["summaryPlan"] = new JsonObject { ["enabled"] = true } },
        });
        await client.UpdateAssistantAsync(assistant.Id, new JsonObject { ["firstMessage"] = "Hello {{name}}", ["maxDurationSeconds"] = 300 });
        var request = vapi.CallRequest(assistant.Id) with
        {
            Customer = new VapiCustomer { Number = "+14155550123", Name = "Ann Lee", ExternalId = "42", Extension = "12" },
        };
        await client.CreateCallAsync(request);
        var since = DateTimeOffset.UtcNow.AddMinutes(-5);
        await client.ListCallsAsync(new ListCallsQuery
        {
            Id = "x", AssistantId = assistant.Id, PhoneNumberId = vapi.PhoneNumberId, Limit = 1000,
            CreatedAtGt = since, CreatedAtLt = since.AddDays(1), CreatedAtGe = since, CreatedAtLe = since.AddDays(1),
            UpdatedAtGt = since, UpdatedAtLt = since.AddDays(1), UpdatedAtGe = since, UpdatedAtLe = since.AddDays(1),
        });
        await client.ListAssistantsAsync(limit: 100);
        await client.ListPhoneNumbersAsync(limit: 100);

        var sent = recorder.Requests;
        Assert.Equal(["POST /assistant", "PATCH /assistant/{id}", "POST /call", "GET /call", "GET /assistant", "GET /phone-number"],
            sent.Select(r => r.Route));
        foreach (var r in sent)
        {
            Assert.True(r.Status < HttpStatusCode.BadRequest, $"{r.Route} answered {(int)r.Status}");
            var errors = r.Method == "GET"
                ? VapiSpec.Instance.ValidateQuery(r.Path, QueryHelpers.ParseQuery(r.Query).Select(q => KeyValuePair.Create(q.Key, q.Value.ToString())))
                : VapiSpec.Instance.ValidateRequest(r.Route switch
                {
                    "POST /assistant" => "CreateAssistantDTO",
                    "PATCH /assistant/{id}" => "UpdateAssistantDTO",
                    _ => "CreateCallDTO",
                }, JsonNode.Parse(r.Body!));
            Assert.True(errors.Count == 0, $"{r.Route}: {string.Join("; ", errors)}\n{r.Body}{r.Query}");
        }

        Assert.Equal(12, QueryHelpers.ParseQuery(sent.Single(r => r.Route == "GET /call").Query).Count);
    }

    [Theory]
    [InlineData("""{"foo":1}""", "property foo should not exist")]
    [InlineData("""{"customer":{"number":"+14155550123","nickname":"Ann"}}""", "customer.property nickname should not exist")]
    [InlineData("""{"type":"outboundPhoneCall"}""", "property type should not exist")]
    [InlineData("""{"assistantOverrides":{"model":{"provider":"openai","model":"gpt-4o","temprature":0.2}}}""", "assistantOverrides.model.property temprature should not exist")]
    [InlineData("""{"assistantOverrides":{"maxDurationSeconds":5}}""", "assistantOverrides.maxDurationSeconds must not be less than 10")]
    [InlineData("""{"assistantOverrides":{"firstMessageMode":"shout"}}""", "assistantOverrides.firstMessageMode must be one of the following values: assistant-speaks-first, assistant-speaks-first-with-model-generated-message, assistant-waits-for-user")]
    [InlineData("""{"name":"a name that is longer than forty characters in all"}""", "name must be shorter than or equal to 40 characters")]
    [InlineData("""{"customer":{"number":"+14155550123","name":7}}""", "customer.name must be a string")]
    [InlineData("""{"schedulePlan":{}}""", "schedulePlan.earliestAt must be a valid ISO 8601 date string")]
    public async Task CreateCall_WhatTheSpecRefuses_Returns400WithVapisMessage(string extra, string expected)
    {
        await using var ctx = await SimulatorTestContext.StartAsync();
        var body = ctx.CallBody(await ctx.CreateAssistantAsync(), "+14155550123");
        foreach (var (key, value) in JsonNode.Parse(extra)!.AsObject())
        {
            body[key] = value?.DeepClone();
        }

        var response = await ctx.Http.PostAsync("/call", SimulatorTestContext.Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var answer = await SimulatorTestContext.ReadAsync(response);
        Assert.Equal("Bad Request", answer["error"]!.GetValue<string>());
        Assert.Equal(400, answer["statusCode"]!.GetValue<int>());
        Assert.Equal([expected], answer["message"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Equal(0, (await ctx.GetJsonAsync("/_sim/stats"))["totalCalls"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("/call?status=ended", "property status should not exist")]
    [InlineData("/assistant?limit=5000", "limit must not be greater than 1000")]
    [InlineData("/phone-number?createdAtGt=yesterday", "createdAtGt must be a valid ISO 8601 date string")]
    [InlineData("/assistant?assistantId=x", "property assistantId should not exist")]
    public async Task ListQuery_WhatTheSpecDoesNotList_Returns400(string path, string expected)
    {
        await using var ctx = await SimulatorTestContext.StartAsync();

        var response = await ctx.Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal([expected], (await SimulatorTestContext.ReadAsync(response))["message"]!.AsArray().Select(m => m!.GetValue<string>()));
    }

    [Fact]
    public void ValidateRequest_NullForAnOptionalProperty_IsAccepted()
    {
        // class-validator's @IsOptional() lets null through, as a missing value.
        var errors = VapiSpec.Instance.ValidateRequest("UpdateAssistantDTO", JsonNode.Parse("""{"voicemailMessage":null,"model":null,"name":"x"}"""));

        Assert.Empty(errors);
    }

    [Fact]
    public void ValidateResponse_ACallWithoutRequiredFieldsOrWithWrongTypes_IsReported()
    {
        var errors = VapiSpec.Instance.ValidateResponse("Call",
            JsonNode.Parse("""{"id":"c","orgId":"o","createdAt":"2026-01-01T00:00:00Z","status":"lost","cost":"1","extraField":true}"""));

        Assert.Equal(
            ["updatedAt must be a valid ISO 8601 date string",
             "status must be one of the following values: scheduled, queued, ringing, in-progress, forwarding, ended, not-found, deletion-failed",
             "cost must be a number conforming to the specified constraints"],
            errors.OrderByDescending(e => e.StartsWith("updatedAt", StringComparison.Ordinal)).ThenByDescending(e => e.StartsWith("status", StringComparison.Ordinal)));
    }

    /// <summary>SHA-256 of Vapi's published OpenAPI document (shared/vapi/openapi.json) that the simulator embeds.</summary>
    private const string PublishedSpecSha256 = "74c487628c18a754783f193e95549662901f4b8c9d755ba22829a9b446e89475";

    /// <summary>The embedded document is the published one, by its recorded hash (so a clean clone without the team's
    /// shared/vapi copy still checks it); where that copy exists (beside the checkout, or at /work/shared), it must have
    /// the same hash, so a newer published document is noticed.</summary>
    [Fact]
    public void EmbeddedSpec_IsThePublishedDocument()
    {
        // What the simulator loads: the resource embedded in its assembly.
        using var resource = typeof(VapiSpec).Assembly.GetManifestResourceStream("AutoLynx.VapiSimulator.Spec.vapi-openapi.json");
        Assert.NotNull(resource);
        var embeddedHash = Sha256(resource);
        Assert.True(embeddedHash == PublishedSpecSha256,
            $"The simulator's embedded src/AutoLynx.VapiSimulator/Spec/vapi-openapi.json has SHA-256 {embeddedHash}, not the published " +
            $"document's {PublishedSpecSha256}: copy shared/vapi/openapi.json over it, or, if Vapi published a newer document, " +
            "update both and PublishedSpecSha256 in this test.");

        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AutoLynx.slnx")))
        {
            dir = dir.Parent;
        }

        // The team's copy beside the checkout (../shared) or at /work/shared, where there is one (a clean clone elsewhere has neither).
        var copies = new[] { dir?.Parent is { } parent ? Path.Combine(parent.FullName, "shared", "vapi", "openapi.json") : null, "/work/shared/vapi/openapi.json" };
        foreach (var published in copies.OfType<string>().Where(File.Exists))
        {
            using var file = File.OpenRead(published);
            var publishedHash = Sha256(file);
            Assert.True(publishedHash == PublishedSpecSha256,
                $"{published} (the team's copy of Vapi's published document) has SHA-256 {publishedHash}, not {PublishedSpecSha256}: " +
                "a newer document was published; copy it to src/AutoLynx.VapiSimulator/Spec/vapi-openapi.json and record its hash in PublishedSpecSha256.");
        }
    }

    private static string Sha256(Stream stream) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream));

    private sealed record Sent(string Method, string Path, string Route, string Query, string? Body, HttpStatusCode Status);

    private sealed class RecordingHandler : DelegatingHandler
    {
        public List<Sent> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(ct);
            var response = await base.SendAsync(request, ct);
            var path = request.RequestUri!.AbsolutePath;
            var route = path.StartsWith("/assistant/", StringComparison.Ordinal) ? "/assistant/{id}" : path;
            Requests.Add(new Sent(request.Method.Method, path, $"{request.Method.Method} {route}", request.RequestUri.Query, body, response.StatusCode));
            return response;
        }
    }
}
