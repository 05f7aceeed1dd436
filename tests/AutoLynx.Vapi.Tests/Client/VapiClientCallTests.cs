using System.Net;
using System.Text.Json.Nodes;
using AutoLynx.Vapi.Models;
using AutoLynx.VapiSimulator;

namespace AutoLynx.Vapi.Tests.Client;

public sealed class VapiClientCallTests
{
    private const string InvalidKeyMessage =
        "Invalid Key. Hot tip, you may be using the private key instead of the public key, or vice versa.";

    [Fact]
    public async Task CreateCallAsync_ValidRequest_ReturnsQueuedCallEchoesAndSubscriptionLimits()
    {
        await using var vapi = await SimulatedVapi.StartAsync();
        var assistant = await vapi.CreateAssistantAsync();
        var request = vapi.CallRequest(assistant.Id);

        var result = await vapi.Client.CreateCallAsync(request);

        var call = result.Call;
        Assert.True(Guid.TryParse(call.Id, out _), call.Id);
        Assert.Equal(vapi.Simulator.OrgId, call.OrgId);
        Assert.Equal(VapiCallStatus.Queued, call.Status);
        Assert.Equal("outboundPhoneCall", call.Type);
        Assert.Null(call.EndedReason);
        Assert.Equal(assistant.Id, call.AssistantId);
        Assert.Equal(vapi.PhoneNumberId, call.PhoneNumberId);
        Assert.Equal("client test", call.Name);
        Assert.NotNull(call.CreatedAt);
        Assert.NotNull(call.UpdatedAt);
        Assert.InRange(call.CreatedAt!.Value, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Equal(request.Customer, call.Customer);
        Assert.Equal("+14155550123", call.Customer!.Number);
        Assert.Equal("contact-42", call.Customer.ExternalId);
        Assert.True(JsonNode.DeepEquals(request.AssistantOverrides, call.AssistantOverrides));
        Assert.Equal("cmp-7", call.MetadataValue("campaignId"));
        Assert.Null(call.MetadataValue("attempt")); // a number, not a string
        Assert.Null(call.MetadataValue("missing"));
        Assert.Equal($"{vapi.Simulator.BaseUrl.ToString().TrimEnd('/')}/call/{call.Id}/control", call.Monitor?.ControlUrl);

        var limits = Assert.IsType<VapiSubscriptionLimits>(result.SubscriptionLimits);
        Assert.False(limits.ConcurrencyBlocked);
        Assert.Equal(10, limits.ConcurrencyLimit);
        Assert.Equal(9, limits.RemainingConcurrentCalls);
    }

    [Fact]
    public async Task GetCallAsync_KnownId_ReturnsTheCall()
    {
        await using var vapi = await SimulatedVapi.StartAsync();
        var created = (await vapi.Client.CreateCallAsync(vapi.CallRequest((await vapi.CreateAssistantAsync()).Id))).Call;

        var fetched = await vapi.Client.GetCallAsync(created.Id);

        Assert.Equal(created.Id, fetched.Id);
        Assert.Equal(created.CreatedAt, fetched.CreatedAt);
        Assert.Equal(created.Customer, fetched.Customer);
        Assert.Equal("cmp-7", fetched.MetadataValue("campaignId"));
        Assert.Contains(fetched.Status, new[] { VapiCallStatus.Queued, VapiCallStatus.Ringing, VapiCallStatus.InProgress, VapiCallStatus.Ended });
    }

    [Fact]
    public async Task GetCallAsync_AfterAnsweredCallEnds_ReturnsEndedCallWithReasonCostArtifactAndAnalysis()
    {
        await using var vapi = await SimulatedVapi.StartAsync(o => o.Outcomes = OutcomeMix.Only(m => m.Talked = 1));
        var created = (await vapi.Client.CreateCallAsync(vapi.CallRequest((await vapi.CreateAssistantAsync()).Id))).Call;

        var ended = await vapi.PollCallAsync(created.Id, c => c.Status == VapiCallStatus.Ended);

        Assert.False(string.IsNullOrEmpty(ended.EndedReason));
        Assert.Equal(CallOutcomeClass.Talked, EndedReasons.Classify(ended.EndedReason));
        Assert.False(EndedReasons.IsFailure(ended.EndedReason));
        Assert.NotNull(ended.StartedAt);
        Assert.NotNull(ended.EndedAt);
        Assert.True(ended.EndedAt >= ended.StartedAt);
        Assert.True(ended.Cost > 0m, $"cost {ended.Cost}");
        Assert.NotNull(ended.Costs);
        Assert.NotEmpty(ended.Costs!);
        Assert.Equal(ended.Cost, ended.CostBreakdown?["total"]?.GetValue<decimal>());

        var artifact = Assert.IsType<VapiArtifact>(ended.Artifact);
        Assert.StartsWith("AI: ", artifact.Transcript);
        Assert.NotNull(artifact.Messages);
        Assert.NotEmpty(artifact.Messages!);
        Assert.Equal($"{vapi.Simulator.BaseUrl.ToString().TrimEnd('/')}/_sim/recordings/{ended.Id}-mono.wav", artifact.BestRecordingUrl);

        var analysis = Assert.IsType<VapiAnalysis>(ended.Analysis);
        Assert.False(string.IsNullOrWhiteSpace(analysis.Summary));
        Assert.Contains(analysis.SuccessEvaluation, new[] { "true", "false" });
        Assert.NotNull(analysis.StructuredData);
        Assert.Equal(analysis.SuccessEvaluation == "true", analysis.StructuredData!["interested"]!.GetValue<bool>());
        Assert.Equal("cmp-7", ended.MetadataValue("campaignId"));
    }

    [Fact]
    public async Task GetCallAsync_AfterUnansweredCallEnds_ReturnsNoAnswerWithZeroCost()
    {
        await using var vapi = await SimulatedVapi.StartAsync(o => o.Outcomes = OutcomeMix.Only(m => m.NoAnswer = 1));
        var created = (await vapi.Client.CreateCallAsync(vapi.CallRequest((await vapi.CreateAssistantAsync()).Id))).Call;

        var ended = await vapi.PollCallAsync(created.Id, c => c.Status == VapiCallStatus.Ended);

        Assert.Equal(EndedReasons.CustomerDidNotAnswer, ended.EndedReason);
        Assert.Equal(CallOutcomeClass.NoAnswer, EndedReasons.Classify(ended.EndedReason));
        Assert.Equal(0m, ended.Cost);
        Assert.Null(ended.Artifact?.BestRecordingUrl);
        Assert.Null(ended.Analysis?.SuccessEvaluation);
    }

    [Fact]
    public async Task ListCallsAsync_PhoneNumberIdAndCreatedAtGe_FindsTheCall()
    {
        await using var vapi = await SimulatedVapi.StartAsync();
        var created = (await vapi.Client.CreateCallAsync(vapi.CallRequest((await vapi.CreateAssistantAsync()).Id))).Call;

        var found = await vapi.Client.ListCallsAsync(new ListCallsQuery
        {
            PhoneNumberId = vapi.PhoneNumberId,
            CreatedAtGe = created.CreatedAt,
            Limit = 10,
        });
        var byIdWithLocalOffsets = await vapi.Client.ListCallsAsync(new ListCallsQuery
        {
            Id = created.Id,
            CreatedAtGe = created.CreatedAt!.Value.ToOffset(TimeSpan.FromHours(5.5)),
            CreatedAtLe = created.CreatedAt.Value.ToOffset(TimeSpan.FromHours(-8)),
            UpdatedAtGe = created.CreatedAt.Value.AddMinutes(-1),
        });
        var createdBefore = await vapi.Client.ListCallsAsync(new ListCallsQuery { CreatedAtLt = created.CreatedAt });
        var all = await vapi.Client.ListCallsAsync();

        var call = Assert.Single(found);
        Assert.Equal(created.Id, call.Id);
        Assert.Equal("+14155550123", call.Customer?.Number);
        Assert.Equal("contact-42", call.Customer?.ExternalId);
        Assert.Equal(created.Id, Assert.Single(byIdWithLocalOffsets).Id);
        Assert.Empty(createdBefore);
        Assert.Equal(created.Id, Assert.Single(all).Id);
    }

    [Fact]
    public async Task ListCallsAsync_CreatedAtGtInTheFuture_ReturnsEmptyList()
    {
        await using var vapi = await SimulatedVapi.StartAsync();
        await vapi.Client.CreateCallAsync(vapi.CallRequest((await vapi.CreateAssistantAsync()).Id));

        var found = await vapi.Client.ListCallsAsync(new ListCallsQuery
        {
            PhoneNumberId = vapi.PhoneNumberId,
            CreatedAtGt = DateTimeOffset.UtcNow.AddHours(1),
        });
        var otherLine = await vapi.Client.ListCallsAsync(new ListCallsQuery { PhoneNumberId = Guid.NewGuid().ToString() });

        Assert.NotNull(found);
        Assert.Empty(found);
        Assert.Empty(otherLine);
    }

    [Fact]
    public async Task AnyRequest_WrongApiKey_ThrowsVapiApiException401WithVapiMessage()
    {
        await using var vapi = await SimulatedVapi.StartAsync();
        var wrong = vapi.CreateClient("public-key-by-mistake");

        var list = await Assert.ThrowsAsync<VapiApiException>(() => wrong.ListCallsAsync());
        var create = await Assert.ThrowsAsync<VapiApiException>(() => wrong.CreateCallAsync(vapi.CallRequest(Guid.NewGuid().ToString())));

        foreach (var ex in new[] { list, create })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
            Assert.Equal([InvalidKeyMessage], ex.Messages);
            Assert.Equal(InvalidKeyMessage, ex.VapiMessage);
            Assert.Equal("Unauthorized", ex.Error);
            Assert.True(ex.IsAuth);
            Assert.False(ex.IsTransient);
            Assert.False(ex.IsValidation);
            Assert.Contains("Invalid Key", ex.Message);
            Assert.Contains("\"statusCode\":401", ex.RawBody);
        }
    }

    [Fact]
    public async Task GetCallAsync_UnknownId_ThrowsVapiApiException404WithVapiMessage()
    {
        await using var vapi = await SimulatedVapi.StartAsync();

        var ex = await Assert.ThrowsAsync<VapiApiException>(() => vapi.Client.GetCallAsync(Guid.NewGuid().ToString()));

        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
        Assert.Equal(["Call not found"], ex.Messages);
        Assert.Equal("Not Found", ex.Error);
        Assert.Equal("Call not found", ex.VapiMessage);
        Assert.False(ex.IsTransient || ex.IsAuth || ex.IsValidation);
    }

    [Fact]
    public async Task CreateCallAsync_CustomerNumberNotE164_ThrowsVapiApiException400WithMessageArray()
    {
        await using var vapi = await SimulatedVapi.StartAsync();
        var assistant = await vapi.CreateAssistantAsync();

        var ex = await Assert.ThrowsAsync<VapiApiException>(() => vapi.Client.CreateCallAsync(vapi.CallRequest(assistant.Id, number: "4155550123")));

        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.True(ex.IsValidation);
        Assert.Equal("Bad Request", ex.Error);
        Assert.Contains(ex.Messages, m => m.StartsWith("customer.number must be a valid phone number in the E.164 format", StringComparison.Ordinal));
        Assert.Contains("customer.number must be a valid phone number", ex.VapiMessage);
        Assert.Empty(await vapi.Client.ListCallsAsync()); // nothing was dialled
    }

    [Fact]
    public async Task CreateCallAsync_SeveralValidationErrors_ExposesEveryMessage()
    {
        await using var vapi = await SimulatedVapi.StartAsync();
        var request = vapi.CallRequest(Guid.NewGuid().ToString(), number: "12") with { Name = new string('x', 41) };
        request.AssistantOverrides!["notAField"] = true;

        var ex = await Assert.ThrowsAsync<VapiApiException>(() => vapi.Client.CreateCallAsync(request));

        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.True(ex.Messages.Count >= 3, string.Join(" | ", ex.Messages));
        Assert.Contains("name must be shorter than or equal to 40 characters", ex.Messages);
        Assert.Contains("assistantOverrides.property notAField should not exist", ex.Messages);
        Assert.Contains(ex.Messages, m => m.StartsWith("customer.number ", StringComparison.Ordinal));
        Assert.Equal(string.Join("; ", ex.Messages), ex.VapiMessage);
    }

    [Fact]
    public async Task DeleteCallAsync_KnownCall_ReturnsCallAndThenGetIs404()
    {
        await using var vapi = await SimulatedVapi.StartAsync();
        var created = (await vapi.Client.CreateCallAsync(vapi.CallRequest((await vapi.CreateAssistantAsync()).Id))).Call;

        var deleted = await vapi.Client.DeleteCallAsync(created.Id);
        var ex = await Assert.ThrowsAsync<VapiApiException>(() => vapi.Client.GetCallAsync(created.Id));

        Assert.Equal(created.Id, deleted.Id);
        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public async Task EndCallAsync_LiveCallThroughControlUrl_EndsCallAsManuallyCanceled()
    {
        await using var vapi = await SimulatedVapi.StartAsync(o =>
        {
            o.Outcomes = OutcomeMix.Only(m => m.Talked = 1);
            o.Faults.RateNeverEnds = 1;
        });
        var created = (await vapi.Client.CreateCallAsync(vapi.CallRequest((await vapi.CreateAssistantAsync()).Id))).Call;
        await vapi.PollCallAsync(created.Id, c => c.Status == VapiCallStatus.InProgress);

        await vapi.Client.EndCallAsync(created.Monitor!.ControlUrl!);
        var ended = await vapi.PollCallAsync(created.Id, c => c.Status == VapiCallStatus.Ended);

        Assert.Equal(EndedReasons.ManuallyCanceled, ended.EndedReason);
        Assert.Equal(CallOutcomeClass.Canceled, EndedReasons.Classify(ended.EndedReason));
    }

    [Fact]
    public async Task EndCallAsync_UnknownCall_ThrowsVapiApiException404()
    {
        await using var vapi = await SimulatedVapi.StartAsync();

        var ex = await Assert.ThrowsAsync<VapiApiException>(() =>
            vapi.Client.EndCallAsync($"{vapi.Simulator.BaseUrl.ToString().TrimEnd('/')}/call/{Guid.NewGuid()}/control"));

        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
        Assert.Equal(["Call not found"], ex.Messages);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EndCallAsync_ControlUrlNotVapisNorTheConfiguredHost_NotCalledAndKeyNeverSent(bool https)
    {
        await using var vapi = await SimulatedVapi.StartAsync();
        // Another port on the simulator's own host: not the configured origin. Anything reaching it is recorded.
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var accepted = listener.AcceptTcpClientAsync();
        var url = https ? "https://attacker.example/call/1/control" : $"http://127.0.0.1:{port}/call/1/control";

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => vapi.Client.EndCallAsync(url));

        Assert.Contains("would receive the API key", ex.Message);
        Assert.False(accepted.IsCompleted, "the client connected to the untrusted control URL");
        listener.Stop();
    }
}
