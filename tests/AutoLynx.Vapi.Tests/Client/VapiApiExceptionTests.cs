using System.Net;

namespace AutoLynx.Vapi.Tests.Client;

public sealed class VapiApiExceptionTests
{
    [Fact]
    public async Task AnyRequest_Simulated429_ThrowsTransientExceptionWithRetryAfter()
    {
        await using var vapi = await SimulatedVapi.StartAsync(o => o.Faults.Rate429 = 1);

        var ex = await Assert.ThrowsAsync<VapiApiException>(() => vapi.Client.ListPhoneNumbersAsync());

        Assert.Equal(HttpStatusCode.TooManyRequests, ex.StatusCode);
        Assert.True(ex.IsTransient);
        Assert.False(ex.IsValidation);
        Assert.Equal(TimeSpan.FromSeconds(1), ex.RetryAfter);
        Assert.NotEmpty(ex.Messages);
    }

    [Fact]
    public void FromResponse_StringMessage_ReadsMessageAndError()
    {
        var ex = VapiApiException.FromResponse(HttpStatusCode.NotFound, """{"message":"Call not found","error":"Not Found","statusCode":404}""");

        Assert.Equal(["Call not found"], ex.Messages);
        Assert.Equal("Not Found", ex.Error);
        Assert.Equal("Vapi answered 404 Not Found: Call not found", ex.Message);
    }

    [Fact]
    public void FromResponse_MessageArrayWithNonStrings_KeepsEveryEntry()
    {
        var ex = VapiApiException.FromResponse(HttpStatusCode.BadRequest, """{"message":["a",{"b":1},2],"error":"Bad Request"}""");

        Assert.Equal(["a", """{"b":1}""", "2"], ex.Messages);
        Assert.Equal("a; {\"b\":1}; 2", ex.VapiMessage);
        Assert.True(ex.IsValidation);
    }

    [Fact]
    public void FromResponse_ErrorOnly_UsesErrorAsMessage()
    {
        var ex = VapiApiException.FromResponse(HttpStatusCode.BadRequest, """{"error":"Over Concurrency Limit"}""");

        Assert.Equal(["Over Concurrency Limit"], ex.Messages);
        Assert.Equal("Over Concurrency Limit", ex.Error);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("""{"message":null,"error":5}""")]
    public void FromResponse_NoUsableMessage_FallsBackToStatus(string? body)
    {
        var ex = VapiApiException.FromResponse(HttpStatusCode.BadGateway, body);

        Assert.Empty(ex.Messages);
        Assert.Null(ex.Error);
        Assert.Equal("BadGateway", ex.VapiMessage);
        Assert.Contains("502", ex.Message);
        Assert.True(ex.IsTransient);
        Assert.Equal(body, ex.RawBody);
    }

    [Fact]
    public void FromResponse_NotJson_KeepsTheFirst300Characters()
    {
        var html = "<html>" + new string('x', 1000) + "</html>";

        var ex = VapiApiException.FromResponse(HttpStatusCode.ServiceUnavailable, html, TimeSpan.FromSeconds(5));

        Assert.Equal(300, Assert.Single(ex.Messages).Length);
        Assert.Equal(html, ex.RawBody);
        Assert.Equal(TimeSpan.FromSeconds(5), ex.RetryAfter);
        Assert.True(ex.IsTransient);
    }

    [Theory]
    [InlineData(408, true, false, false)]
    [InlineData(429, true, false, false)]
    [InlineData(500, true, false, false)]
    [InlineData(503, true, false, false)]
    [InlineData(400, false, true, false)]
    [InlineData(422, false, true, false)]
    [InlineData(401, false, false, true)]
    [InlineData(403, false, false, true)]
    [InlineData(404, false, false, false)]
    [InlineData(409, false, false, false)]
    public void Classification_ByStatus_IsTransientValidationOrAuth(int status, bool transient, bool validation, bool auth)
    {
        var ex = new VapiApiException((HttpStatusCode)status, [], null, null);

        Assert.Equal(transient, ex.IsTransient);
        Assert.Equal(validation, ex.IsValidation);
        Assert.Equal(auth, ex.IsAuth);
    }
}
