using System.Net;
using System.Text.Json.Nodes;
using AutoLynx.Vapi.Models;

namespace AutoLynx.Vapi.Tests.Client;

public sealed class VapiClientAssistantTests
{
    private static JsonObject Config() => new()
    {
        ["name"] = "Sam outbound",
        ["firstMessage"] = "Hi {{name}}, this is Sam from Lynx.",
        ["model"] = new JsonObject
        {
            ["provider"] = "openai",
            ["model"] = "gpt-4.1",
            ["temperature"] = 0.3,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "system", ["content"] = "Be brief." }),
        },
        ["voice"] = new JsonObject { ["provider"] = "11labs", ["voiceId"] = "21m00Tcm4TlvDq8ikWAM" },
        ["maxDurationSeconds"] = 300,
        ["endCallPhrases"] = new JsonArray("goodbye"),
        ["metadata"] = new JsonObject { ["owner"] = "autolynx" },
    };

    [Fact]
    public async Task CreateAssistantAsync_JsonConfig_ReturnsAssistantWithServerFieldsAndConfigRoundTrips()
    {
        await using var vapi = await SimulatedVapi.StartAsync();
        var config = Config();

        var created = await vapi.Client.CreateAssistantAsync(config);

        Assert.True(Guid.TryParse(created.Id, out _), created.Id);
        Assert.Equal("Sam outbound", created.Name);
        Assert.NotNull(created.UpdatedAt);
        Assert.Equal(vapi.Simulator.OrgId, created.Json["orgId"]!.GetValue<string>());
        Assert.NotNull(created.Json["createdAt"]);
        Assert.True(JsonNode.DeepEquals(config, created.Config()), created.Config().ToJsonString());
        Assert.Equal(config.ToJsonString(), Config().ToJsonString()); // the caller's object is not altered

        // Config() strips every server-owned field, so it can be POSTed back as is (Vapi rejects unknown properties).
        var copy = await vapi.Client.CreateAssistantAsync(created.Config());
        Assert.NotEqual(created.Id, copy.Id);
        Assert.True(JsonNode.DeepEquals(created.Config(), copy.Config()));
    }

    [Fact]
    public async Task GetAssistantAsync_KnownId_ReturnsSameAssistant()
    {
        await using var vapi = await SimulatedVapi.StartAsync();
        var created = await vapi.Client.CreateAssistantAsync(Config());

        var fetched = await vapi.Client.GetAssistantAsync(created.Id);

        Assert.Equal(created.Id, fetched.Id);
        Assert.Equal(created.Name, fetched.Name);
        Assert.True(JsonNode.DeepEquals(created.Json, fetched.Json));
    }

    [Fact]
    public async Task ListAssistantsAsync_SeveralAssistants_ReturnsAllAndHonoursLimit()
    {
        await using var vapi = await SimulatedVapi.StartAsync();
        var first = await vapi.CreateAssistantAsync("first");
        var second = await vapi.CreateAssistantAsync("second");

        var all = await vapi.Client.ListAssistantsAsync();
        var one = await vapi.Client.ListAssistantsAsync(limit: 1);

        Assert.Equal(new[] { first.Id, second.Id }.Order(), all.Select(a => a.Id).Order());
        Assert.Equal(new[] { "first", "second" }.Order(), all.Select(a => a.Name!).Order());
        Assert.Single(one);
    }

    [Fact]
    public async Task ListAssistantsAsync_NoAssistants_ReturnsEmptyList()
    {
        await using var vapi = await SimulatedVapi.StartAsync();

        Assert.Empty(await vapi.Client.ListAssistantsAsync());
    }

    [Fact]
    public async Task UpdateAssistantAsync_PartialPatch_ChangesOnlySentFields()
    {
        await using var vapi = await SimulatedVapi.StartAsync();
        var created = await vapi.Client.CreateAssistantAsync(Config());

        var updated = await vapi.Client.UpdateAssistantAsync(created.Id, new JsonObject
        {
            ["name"] = "Sam v2",
            ["endCallPhrases"] = new JsonArray("bye", "goodbye"),
        });
        var fetched = await vapi.Client.GetAssistantAsync(created.Id);

        Assert.Equal(created.Id, updated.Id);
        Assert.Equal("Sam v2", updated.Name);
        Assert.Equal(["bye", "goodbye"], updated.Json["endCallPhrases"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.True(JsonNode.DeepEquals(created.Json["model"], updated.Json["model"]));
        Assert.True(JsonNode.DeepEquals(created.Json["voice"], updated.Json["voice"]));
        Assert.Equal(300, updated.Json["maxDurationSeconds"]!.GetValue<int>());
        Assert.Equal("Sam v2", fetched.Name);
        Assert.True(JsonNode.DeepEquals(updated.Json, fetched.Json));
    }

    [Fact]
    public async Task DeleteAssistantAsync_KnownId_ReturnsDeletedAssistantAndThenGetIs404()
    {
        await using var vapi = await SimulatedVapi.StartAsync();
        var created = await vapi.Client.CreateAssistantAsync(Config());

        var deleted = await vapi.Client.DeleteAssistantAsync(created.Id);
        var ex = await Assert.ThrowsAsync<VapiApiException>(() => vapi.Client.GetAssistantAsync(created.Id));

        Assert.Equal(created.Id, deleted.Id);
        Assert.Equal("Sam outbound", deleted.Name);
        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
        Assert.Empty(await vapi.Client.ListAssistantsAsync());
    }

    [Fact]
    public async Task CreateAssistantAsync_UnknownProperty_ThrowsVapiApiException400WithMessageArray()
    {
        await using var vapi = await SimulatedVapi.StartAsync();
        var config = Config();
        config["colour"] = "blue";
        config["maxDurationSeconds"] = 5;

        var ex = await Assert.ThrowsAsync<VapiApiException>(() => vapi.Client.CreateAssistantAsync(config));

        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.True(ex.IsValidation);
        Assert.Equal("Bad Request", ex.Error);
        Assert.Equal(2, ex.Messages.Count);
        Assert.Contains("property colour should not exist", ex.Messages);
        Assert.Contains("maxDurationSeconds must not be less than 10", ex.Messages);
        Assert.Empty(await vapi.Client.ListAssistantsAsync());
    }

    [Fact]
    public async Task UpdateAssistantAsync_UnknownProperty_ThrowsVapiApiException400AndChangesNothing()
    {
        await using var vapi = await SimulatedVapi.StartAsync();
        var created = await vapi.Client.CreateAssistantAsync(Config());

        var ex = await Assert.ThrowsAsync<VapiApiException>(() =>
            vapi.Client.UpdateAssistantAsync(created.Id, new JsonObject { ["name"] = "changed", ["id"] = "other" }));

        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.Equal(["property id should not exist"], ex.Messages);
        Assert.Equal("Sam outbound", (await vapi.Client.GetAssistantAsync(created.Id)).Name);
    }

    [Fact]
    public async Task GetAssistantAsync_UnknownId_ThrowsVapiApiException404()
    {
        await using var vapi = await SimulatedVapi.StartAsync();

        var get = await Assert.ThrowsAsync<VapiApiException>(() => vapi.Client.GetAssistantAsync(Guid.NewGuid().ToString()));
        var patch = await Assert.ThrowsAsync<VapiApiException>(() => vapi.Client.UpdateAssistantAsync(Guid.NewGuid().ToString(), new JsonObject { ["name"] = "x" }));
        var delete = await Assert.ThrowsAsync<VapiApiException>(() => vapi.Client.DeleteAssistantAsync(Guid.NewGuid().ToString()));

        foreach (var ex in new[] { get, patch, delete })
        {
            Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
            Assert.Equal(["Assistant not found"], ex.Messages);
            Assert.Equal("Not Found", ex.Error);
        }
    }

    [Fact]
    public void VapiAssistant_ServerFieldsAndOddValues_AreReadSafely()
    {
        var assistant = new VapiAssistant(JsonNode.Parse("""
            {"id":"a-1","orgId":"o","createdAt":"x","updatedAt":"2026-01-01T00:00:00.000Z","latestVersion":"v3",
             "isServerUrlSecretSet":false,"name":42,"firstMessage":"hi"}
            """)!.AsObject());

        Assert.Equal("a-1", assistant.Id);
        Assert.Null(assistant.Name); // not a string
        Assert.Equal("2026-01-01T00:00:00.000Z", assistant.UpdatedAt);
        Assert.Equal("""{"name":42,"firstMessage":"hi"}""", assistant.Config().ToJsonString());
        Assert.Equal("", new VapiAssistant(new JsonObject()).Id);
    }
}
