using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace AutoLynx.Vapi.Tests.Simulator;

/// <summary>POST /_sim/faults/next: the next matching request(s) fail with a Vapi-shaped body, then all is normal again.</summary>
public sealed class SimulatorScriptedFaultTests
{
    [Fact]
    public async Task ScriptedFault_MatchingRequestsOnly_CountUsedUpThenNormal()
    {
        await using var ctx = await SimulatorTestContext.StartAsync();
        var id = await ctx.CreateAssistantAsync();
        using (var script = await ctx.Http.PostAsJsonAsync("/_sim/faults/next", new { method = "PATCH", path = "/assistant/", status = 503, message = "down for a moment", count = 2 }))
            script.EnsureSuccessStatusCode();

        using var get = await ctx.Http.GetAsync($"/assistant/{id}");
        using var first = await ctx.Http.PatchAsync($"/assistant/{id}", SimulatorTestContext.Json("""{"name":"A"}"""));
        using var second = await ctx.Http.PatchAsync($"/assistant/{id}", SimulatorTestContext.Json("""{"name":"B"}"""));
        using var third = await ctx.Http.PatchAsync($"/assistant/{id}", SimulatorTestContext.Json("""{"name":"C"}"""));

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
        var body = await SimulatorTestContext.ReadAsync(first);
        Assert.Equal("down for a moment", body["message"]!.GetValue<string>());
        Assert.Equal(503, body["statusCode"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        Assert.Equal("C", (await ctx.GetJsonAsync($"/assistant/{id}"))["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task ScriptedFault_400_MessageIsAnArrayLikeNestJs()
    {
        await using var ctx = await SimulatorTestContext.StartAsync();
        using (var script = await ctx.Http.PostAsJsonAsync("/_sim/faults/next", new { path = "/assistant", status = 400, message = "name must be a string" }))
            script.EnsureSuccessStatusCode();

        using var resp = await ctx.Http.PostAsync("/assistant", SimulatorTestContext.Json("""{"name":"fine"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, resp.StatusCode);
        Assert.Equal("name must be a string", (await SimulatorTestContext.ReadAsync(resp))["message"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task PatchAssistant_NullValue_AcceptedAndRemovesTheField()
    {
        await using var ctx = await SimulatorTestContext.StartAsync();
        var id = await ctx.CreateAssistantAsync(new JsonObject { ["endCallMessage"] = "Bye", ["endCallPhrases"] = new JsonArray("bye") });

        using var resp = await ctx.Http.PatchAsync($"/assistant/{id}", SimulatorTestContext.Json("""{"endCallMessage":null,"endCallPhrases":null}"""));

        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        var after = await ctx.GetJsonAsync($"/assistant/{id}");
        Assert.Null(after["endCallMessage"]);
        Assert.Null(after["endCallPhrases"]);
    }
}
