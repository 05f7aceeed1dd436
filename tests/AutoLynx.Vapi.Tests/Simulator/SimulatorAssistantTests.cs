using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace AutoLynx.Vapi.Tests.Simulator;

public sealed class SimulatorAssistantTests
{
    [Fact]
    public async Task AssistantCrud_FullCycle_BehavesLikeVapi()
    {
        await using var ctx = await SimulatorTestContext.StartAsync();
        var create = new JsonObject
        {
            ["name"] = "Sam outbound",
            ["firstMessage"] = "Hi {{name}}",
            ["model"] = new JsonObject { ["provider"] = "openai", ["model"] = "gpt-4.1", ["messages"] = new JsonArray(new JsonObject { ["role"] = "system", ["content"] = "Be brief." }) },
            ["voice"] = new JsonObject { ["provider"] = "11labs", ["voiceId"] = "21m00Tcm4TlvDq8ikWAM" },
            ["maxDurationSeconds"] = 300,
        };

        var created = await ctx.Http.PostAsync("/assistant", SimulatorTestContext.Json(create));
        var assistant = await SimulatorTestContext.ReadAsync(created);
        var id = assistant["id"]!.GetValue<string>();
        var fetched = await ctx.GetJsonAsync($"/assistant/{id}");
        var patched = await ctx.Http.PatchAsync($"/assistant/{id}", SimulatorTestContext.Json("""{"name":"Sam v2","endCallPhrases":["goodbye"]}"""));
        var patchedBody = await SimulatorTestContext.ReadAsync(patched);
        var list = (JsonArray)await ctx.GetJsonAsync("/assistant?limit=10");
        var deleted = await ctx.Http.DeleteAsync($"/assistant/{id}");
        var afterDelete = await ctx.Http.GetAsync($"/assistant/{id}");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(ctx.Simulator.OrgId, assistant["orgId"]!.GetValue<string>());
        Assert.NotNull(assistant["createdAt"]);
        Assert.True(JsonNode.DeepEquals(create["model"], fetched["model"]));
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal("Sam v2", patchedBody["name"]!.GetValue<string>());
        Assert.Equal("gpt-4.1", patchedBody["model"]!["model"]!.GetValue<string>());
        Assert.Equal("goodbye", patchedBody["endCallPhrases"]![0]!.GetValue<string>());
        Assert.Single(list);
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal(id, (await SimulatorTestContext.ReadAsync(deleted))["id"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, afterDelete.StatusCode);
    }

    [Fact]
    public async Task CreateAssistant_UnknownPropertyOrLongName_Returns400MessageArray()
    {
        await using var ctx = await SimulatorTestContext.StartAsync();

        var response = await ctx.Http.PostAsync("/assistant",
            SimulatorTestContext.Json("""{"name":"this name is definitely longer than forty characters","colour":"red"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var messages = (await SimulatorTestContext.ReadAsync(response))["message"]!.AsArray().Select(m => m!.GetValue<string>()).ToList();
        Assert.Contains("property colour should not exist", messages);
        Assert.Contains("name must be shorter than or equal to 40 characters", messages);
    }

    [Fact]
    public async Task CreateAssistant_ServerMessages_EachElementCheckedAgainstTheAllowedValues()
    {
        await using var ctx = await SimulatorTestContext.StartAsync();

        // Vapi's document puts the allowed values on the array itself; its service checks each element.
        var valid = await ctx.Http.PostAsync("/assistant",
            SimulatorTestContext.Json("""{"name":"Lean","serverMessages":["status-update","end-of-call-report"]}"""));
        var invalid = await ctx.Http.PostAsync("/assistant", SimulatorTestContext.Json("""{"name":"Odd","serverMessages":["status-update","bogus"]}"""));

        Assert.Equal(HttpStatusCode.Created, valid.StatusCode);
        Assert.Equal(["status-update", "end-of-call-report"],
            (await SimulatorTestContext.ReadAsync(valid))["serverMessages"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains("serverMessages", (await SimulatorTestContext.ReadAsync(invalid))["message"]!.ToJsonString());
    }

    [Fact]
    public async Task PatchAssistant_UnknownIdOrProperty_Returns404Or400()
    {
        await using var ctx = await SimulatorTestContext.StartAsync();
        var id = await ctx.CreateAssistantAsync();

        var unknownId = await ctx.Http.PatchAsync($"/assistant/{Guid.NewGuid()}", SimulatorTestContext.Json("""{"name":"x"}"""));
        var unknownProperty = await ctx.Http.PatchAsync($"/assistant/{id}", SimulatorTestContext.Json("""{"id":"x"}"""));

        Assert.Equal(HttpStatusCode.NotFound, unknownId.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unknownProperty.StatusCode);
        Assert.Equal("property id should not exist", (await SimulatorTestContext.ReadAsync(unknownProperty))["message"]![0]!.GetValue<string>());
    }
}
