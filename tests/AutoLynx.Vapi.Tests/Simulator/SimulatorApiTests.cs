using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AutoLynx.Vapi.Tests.Simulator;

public sealed class SimulatorApiTests
{
    [Fact]
    public async Task Request_WrongApiKey_Returns401WithVapiBody()
    {
        await using var ctx = await SimulatorTestContext.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/call");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "public-key-by-mistake");

        var response = await ctx.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = await SimulatorTestContext.ReadAsync(response);
        Assert.Equal("Invalid Key. Hot tip, you may be using the private key instead of the public key, or vice versa.", body["message"]!.GetValue<string>());
        Assert.Equal("Unauthorized", body["error"]!.GetValue<string>());
        Assert.Equal(401, body["statusCode"]!.GetValue<int>());
    }

    [Fact]
    public async Task CreateCall_ValidRequest_Returns201QueuedCallWithSubscriptionLimits()
    {
        await using var ctx = await SimulatorTestContext.StartAsync();
        var assistantId = await ctx.CreateAssistantAsync();
        var sent = ctx.CallBody(assistantId, "+14155550123");
        sent["name"] = "first try";

        var call = await ctx.CreateCallAsync(sent);

        Assert.True(Guid.TryParse(call["id"]!.GetValue<string>(), out _));
        Assert.Equal(ctx.Simulator.OrgId, call["orgId"]!.GetValue<string>());
        Assert.Equal("queued", call["status"]!.GetValue<string>());
        Assert.Equal("outboundPhoneCall", call["type"]!.GetValue<string>());
        Assert.Matches(new Regex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"), call["createdAt"]!.GetValue<string>());
        Assert.Matches(new Regex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"), call["updatedAt"]!.GetValue<string>());
        Assert.Equal(assistantId, call["assistantId"]!.GetValue<string>());
        Assert.Equal(ctx.PhoneNumberId, call["phoneNumberId"]!.GetValue<string>());
        Assert.Equal("first try", call["name"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(sent["customer"], call["customer"]));
        Assert.True(JsonNode.DeepEquals(sent["assistantOverrides"], call["assistantOverrides"]));
        Assert.Equal($"{ctx.Simulator.BaseUrl.ToString().TrimEnd('/')}/call/{call["id"]}/control", call["monitor"]!["controlUrl"]!.GetValue<string>());
        var limits = call["subscriptionLimits"]!;
        Assert.False(limits["concurrencyBlocked"]!.GetValue<bool>());
        Assert.Equal(10, limits["concurrencyLimit"]!.GetValue<int>());
        Assert.Equal(9, limits["remainingConcurrentCalls"]!.GetValue<int>());
    }

    [Fact]
    public async Task CreateCall_UnknownProperty_Returns400WithMessageArray()
    {
        await using var ctx = await SimulatorTestContext.StartAsync();
        var assistantId = await ctx.CreateAssistantAsync();
        var body = ctx.CallBody(assistantId, "+14155550123");
        body["metadata"] = new JsonObject { ["callId"] = "c-1" };

        var response = await ctx.Http.PostAsync("/call", SimulatorTestContext.Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await SimulatorTestContext.ReadAsync(response);
        Assert.Equal(["property metadata should not exist"], error["message"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Equal("Bad Request", error["error"]!.GetValue<string>());
        Assert.Equal(400, error["statusCode"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("4155550123")]
    [InlineData("+0123")]
    [InlineData("+1 415 555 0123")]
    public async Task CreateCall_NumberNotE164_Returns400NamingCustomerNumber(string number)
    {
        await using var ctx = await SimulatorTestContext.StartAsync();
        var assistantId = await ctx.CreateAssistantAsync();

        var response = await ctx.Http.PostAsync("/call", SimulatorTestContext.Json(ctx.CallBody(assistantId, number)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = (await SimulatorTestContext.ReadAsync(response))["message"]!.AsArray();
        Assert.Contains(message, m => m!.GetValue<string>().StartsWith("customer.number must be a valid phone number in the E.164 format"));
    }

    [Fact]
    public async Task CreateCall_UnknownAssistantOrPhoneNumber_Returns400()
    {
        await using var ctx = await SimulatorTestContext.StartAsync();
        var assistantId = await ctx.CreateAssistantAsync();
        var unknownAssistant = ctx.CallBody(Guid.NewGuid().ToString(), "+14155550123");
        var unknownPhone = ctx.CallBody(assistantId, "+14155550123");
        unknownPhone["phoneNumberId"] = Guid.NewGuid().ToString();
        var noAssistant = ctx.CallBody(assistantId, "+14155550123");
        noAssistant.Remove("assistantId");

        var assistantResponse = await ctx.Http.PostAsync("/call", SimulatorTestContext.Json(unknownAssistant));
        var phoneResponse = await ctx.Http.PostAsync("/call", SimulatorTestContext.Json(unknownPhone));
        var noAssistantResponse = await ctx.Http.PostAsync("/call", SimulatorTestContext.Json(noAssistant));

        Assert.Equal(HttpStatusCode.BadRequest, assistantResponse.StatusCode);
        Assert.StartsWith("Couldn't Get Assistant.", (await SimulatorTestContext.ReadAsync(assistantResponse))["message"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, phoneResponse.StatusCode);
        Assert.StartsWith("Couldn't Get Phone Number.", (await SimulatorTestContext.ReadAsync(phoneResponse))["message"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, noAssistantResponse.StatusCode);
        Assert.IsType<JsonArray>((await SimulatorTestContext.ReadAsync(noAssistantResponse))["message"]);
        Assert.Empty((JsonArray)await ctx.GetJsonAsync("/_sim/calls"));
    }

    [Fact]
    public async Task GetCall_UnknownId_Returns404()
    {
        await using var ctx = await SimulatorTestContext.StartAsync();

        var response = await ctx.Http.GetAsync($"/call/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = await SimulatorTestContext.ReadAsync(response);
        Assert.Equal("Call not found", body["message"]!.GetValue<string>());
        Assert.Equal("Not Found", body["error"]!.GetValue<string>());
        Assert.Equal(404, body["statusCode"]!.GetValue<int>());
    }

    [Fact]
    public async Task ListCalls_WithFilters_ReturnsMatchingCallsNewestFirst()
    {
        await using var ctx = await SimulatorTestContext.StartAsync(o => o.PhoneNumbers = ["+14155550100", "+14155550101"]);
        var assistantId = await ctx.CreateAssistantAsync();
        var first = await ctx.CreateCallAsync(ctx.CallBody(assistantId, "+14155550001"));
        await Task.Delay(5);
        var second = await ctx.CreateCallAsync(ctx.CallBody(assistantId, "+14155550002"));
        var otherLine = ctx.CallBody(assistantId, "+14155550003");
        otherLine["phoneNumberId"] = ctx.Simulator.PhoneNumbers[1].Id;
        await Task.Delay(5);
        var third = await ctx.CreateCallAsync(otherLine);

        var all = (JsonArray)await ctx.GetJsonAsync("/call");
        var onFirstLine = (JsonArray)await ctx.GetJsonAsync($"/call?phoneNumberId={ctx.PhoneNumberId}");
        var byId = (JsonArray)await ctx.GetJsonAsync($"/call?id={second["id"]}");
        var limited = (JsonArray)await ctx.GetJsonAsync("/call?limit=1");
        var sinceSecond = (JsonArray)await ctx.GetJsonAsync($"/call?createdAtGe={second["createdAt"]}");
        var beforeSecond = (JsonArray)await ctx.GetJsonAsync($"/call?createdAtLt={second["createdAt"]}");
        var badQuery = await ctx.Http.GetAsync("/call?status=ended");

        Assert.Equal(Ids(third, second, first), Ids(all));
        Assert.Equal(Ids(second, first), Ids(onFirstLine));
        Assert.Equal(Ids(second), Ids(byId));
        Assert.Equal(Ids(third), Ids(limited));
        Assert.Equal(Ids(third, second), Ids(sinceSecond));
        Assert.Equal(Ids(first), Ids(beforeSecond));
        Assert.Equal(HttpStatusCode.BadRequest, badQuery.StatusCode);
    }

    [Fact]
    public async Task DeleteCall_KnownCall_ReturnsCallAndHidesIt()
    {
        await using var ctx = await SimulatorTestContext.StartAsync();
        var call = await ctx.CreateCallAsync(ctx.CallBody(await ctx.CreateAssistantAsync(), "+14155550123"));
        var id = call["id"]!.GetValue<string>();

        var deleted = await ctx.Http.DeleteAsync($"/call/{id}");
        var after = await ctx.Http.GetAsync($"/call/{id}");

        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal(id, (await SimulatorTestContext.ReadAsync(deleted))["id"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
    }

    [Fact]
    public async Task PhoneNumbers_List_ReturnsSeededNumbersWithIdsStablePerSeed()
    {
        await using var ctx = await SimulatorTestContext.StartAsync(o => o.PhoneNumbers = ["+14155550100", "vapi:+14155550199"]);
        await using var again = await SimulatorTestContext.StartAsync(o => o.PhoneNumbers = ["+14155550100", "vapi:+14155550199"]);

        var list = (JsonArray)await ctx.GetJsonAsync("/phone-number");
        var one = await ctx.GetJsonAsync($"/phone-number/{ctx.Simulator.PhoneNumbers[1].Id}");
        var unknown = await ctx.Http.GetAsync($"/phone-number/{Guid.NewGuid()}");

        Assert.Equal(["+14155550100", "+14155550199"], list.Select(p => p!["number"]!.GetValue<string>()));
        Assert.Equal(["twilio", "vapi"], list.Select(p => p!["provider"]!.GetValue<string>()));
        Assert.All(list, p => Assert.Equal("active", p!["status"]!.GetValue<string>()));
        Assert.Equal("+14155550199", one["number"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(ctx.Simulator.PhoneNumbers.Select(p => p.Id), again.Simulator.PhoneNumbers.Select(p => p.Id));
        Assert.Equal(ctx.Simulator.OrgId, again.Simulator.OrgId);
    }

    private static List<string> Ids(params JsonNode[] calls) => calls.Select(c => c["id"]!.GetValue<string>()).ToList();

    private static List<string> Ids(JsonArray calls) => calls.Select(c => c!["id"]!.GetValue<string>()).ToList();
}
