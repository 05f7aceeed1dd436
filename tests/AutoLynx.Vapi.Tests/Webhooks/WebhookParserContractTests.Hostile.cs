using System.Text;
using System.Text.Json.Nodes;
using AutoLynx.Vapi.Webhooks;

namespace AutoLynx.Vapi.Tests.Webhooks;

/// <summary>Whatever arrives at the webhook endpoint, the parser answers with a result and never throws.</summary>
public sealed partial class WebhookParserContractTests
{
    /// <summary>Parses, then touches every computed member the app uses; any exception fails the test.</summary>
    private static WebhookParseResult ParseAndTouch(byte[] body)
    {
        var result = VapiWebhookParser.Parse(body);
        Assert.Equal(result.Error == WebhookParseError.None, result.Ok);
        if (result.Actionable)
        {
            Assert.True(result.Ok);
        }

        if (result.Ok)
        {
            Assert.NotNull(result.Message);
            Assert.False(string.IsNullOrWhiteSpace(result.Message!.Type));
            Assert.Null(result.Detail);
        }
        else
        {
            Assert.False(result.Actionable);
            Assert.False(string.IsNullOrWhiteSpace(result.Detail));
        }

        var m = result.Message;
        _ = m?.IsStatusUpdate;
        _ = m?.IsEndOfCallReport;
        _ = m?.Call?.MetadataValue("campaignId");
        _ = m?.Artifact?.BestRecordingUrl;
        _ = m?.Call?.Artifact?.BestRecordingUrl;
        return result;
    }

    private static WebhookParseResult ParseAndTouch(string body) => ParseAndTouch(Encoding.UTF8.GetBytes(body));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("not json")]
    [InlineData("<xml/>")]
    [InlineData("{")]
    [InlineData("""{"message":""")]
    [InlineData("""{"message":{"type":"status-update"}""")]
    [InlineData("""{"message":{"type":"status-update"}} trailing""")]
    [InlineData("""{"message":{"type":"status-update"}}{"message":{}}""")]
    [InlineData("""{'message':{'type':'status-update'}}""")]
    [InlineData("""{"message":{"type":"status-update" /* comment */}}""")]
    [InlineData("""{message:{type:"status-update"}}""")]
    [InlineData("""{"message":{"type":"status-update","cost":NaN}}""")]
    [InlineData("""{"message":{"type":"status-update","cost":01}}""")]
    public void Parse_NotJson_ReportsNotJson(string body)
    {
        var result = ParseAndTouch(body);

        Assert.Equal(WebhookParseError.NotJson, result.Error);
        Assert.Null(result.Message);
    }

    [Fact]
    public void Parse_InvalidUtf8InAString_NeverThrows()
    {
        byte[] body = [.. "{\"message\":{\"type\":\"status-update\",\"status\":\""u8, 0xC3, 0x28, 0xFF, .. "\"}}"u8];

        var result = ParseAndTouch(body);

        Assert.True(result.Ok || result.Error == WebhookParseError.NotJson, result.Detail);
    }

    [Fact]
    public void Parse_InvalidUtf8OutsideStrings_ReportsNotJson()
    {
        byte[] body = [.. "{\"message\":{\"type\":\"status-update\"}"u8, 0xFF, .. "}"u8];

        Assert.Equal(WebhookParseError.NotJson, ParseAndTouch(body).Error);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("42")]
    [InlineData("true")]
    [InlineData("\"status-update\"")]
    [InlineData("[]")]
    [InlineData("""[{"message":{"type":"status-update","status":"ended"}}]""")]
    [InlineData("{}")]
    [InlineData("""{"type":"status-update","status":"ended","call":{"id":"c-1"}}""")]
    [InlineData("""{"message":null}""")]
    [InlineData("""{"message":"status-update"}""")]
    [InlineData("""{"message":42}""")]
    [InlineData("""{"message":[{"type":"status-update"}]}""")]
    [InlineData("""{"Message":{"type":"status-update"}}""")]
    public void Parse_NoMessageObject_ReportsNoMessage(string body)
    {
        var result = ParseAndTouch(body);

        Assert.Equal(WebhookParseError.NoMessage, result.Error);
        Assert.Null(result.Message);
    }

    [Theory]
    [InlineData("""{"message":{}}""")]
    [InlineData("""{"message":{"type":null}}""")]
    [InlineData("""{"message":{"type":""}}""")]
    [InlineData("""{"message":{"type":"   "}}""")]
    [InlineData("""{"message":{"status":"ended","endedReason":"customer-busy","call":{"id":"c-1"}}}""")]
    public void Parse_MessageWithoutType_ReportsNoType(string body)
    {
        var result = ParseAndTouch(body);

        Assert.Equal(WebhookParseError.NoType, result.Error);
        Assert.NotNull(result.Message); // what could be read is still there, for logging
    }

    [Theory]
    [InlineData("""{"type":5}""", "type")]
    [InlineData("""{"type":"end-of-call-report","cost":"abc"}""", "cost")]
    [InlineData("""{"type":"end-of-call-report","cost":true}""", "cost")]
    [InlineData("""{"type":"end-of-call-report","cost":1e400}""", "cost")]
    [InlineData("""{"type":"status-update","status":{"value":"ended"}}""", "status")]
    [InlineData("""{"type":"status-update","endedReason":42}""", "endedReason")]
    [InlineData("""{"type":"status-update","call":"c-1"}""", "call")]
    [InlineData("""{"type":"status-update","call":{"id":42}}""", "id")]
    [InlineData("""{"type":"status-update","call":{"id":"c-1","customer":"Ann"}}""", "customer")]
    [InlineData("""{"type":"end-of-call-report","costs":{"total":1}}""", "costs")]
    [InlineData("""{"type":"end-of-call-report","artifact":[]}""", "artifact")]
    [InlineData("""{"type":"end-of-call-report","artifact":{"messages":"AI: hi"}}""", "messages")]
    [InlineData("""{"type":"end-of-call-report","artifact":{"recordingUrl":5}}""", "recordingUrl")]
    [InlineData("""{"type":"end-of-call-report","analysis":{"structuredData":[1]}}""", "structuredData")]
    [InlineData("""{"type":"end-of-call-report","phoneNumber":"+14155559876"}""", "phoneNumber")]
    public void Parse_FieldOfWrongType_IsReportedNotThrown(string message, string field)
    {
        var result = ParseAndTouch("{\"message\":" + message + "}");

        Assert.False(result.Ok);
        Assert.False(result.Actionable);
        Assert.NotEqual(WebhookParseError.None, result.Error);
        Assert.Contains(field, result.Detail, StringComparison.Ordinal); // the detail names the offending field
    }

    [Theory]
    [InlineData(""" "cost":"0.5" """)]
    [InlineData(""" "timestamp":"2026-01-01T10:00:00Z" """)]
    [InlineData(""" "timestamp":"yesterday" """)]
    [InlineData(""" "analysis":{"successEvaluation":8} """)]
    [InlineData(""" "analysis":{"successEvaluation":true} """)]
    [InlineData(""" "analysis":{"successEvaluation":{"score":[1,2,{"x":null}]}} """)]
    [InlineData(""" "transcript":42 """)]
    [InlineData(""" "durationSeconds":"12.5" """)]
    [InlineData(""" "startedAt":false,"endedAt":[] """)]
    [InlineData(""" "call":{"id":"c-1","assistantOverrides":{"metadata":"not an object"}} """)]
    [InlineData(""" "call":{"id":"c-1","assistantOverrides":{"metadata":{"campaignId":7}}} """)]
    [InlineData(""" "call":{"id":"c-1","assistantOverrides":{"metadata":null}} """)]
    [InlineData(""" "call":null,"customer":null,"artifact":null,"analysis":null """)]
    [InlineData(""" "artifact":{"recording":{"mono":null,"stereoUrl":null}} """)]
    [InlineData(""" "status":"","endedReason":"" """)]
    [InlineData(""" "status":"ended\u0000\u202e","endedReason":"\ud83d\ude00" """)]
    public void Parse_OddButReadableValues_AreOk(string fields)
    {
        var result = ParseAndTouch(Envelope(""" "type":"end-of-call-report", """ + fields));

        Assert.True(result.Ok, result.Detail);
        Assert.True(result.Actionable);
        Assert.Null(result.Message!.Call?.MetadataValue("campaignId"));
    }

    [Fact]
    public void Parse_WrongTypesWhereTheAppReadsText_NormalisesToText()
    {
        var result = ParseAndTouch(Envelope(""" "type":"end-of-call-report","analysis":{"successEvaluation":8},"transcript":false """));

        Assert.True(result.Ok, result.Detail);
        Assert.Equal("8", result.Message!.Analysis!.SuccessEvaluation);
        Assert.Equal("false", result.Message.Transcript);
    }

    [Fact]
    public void Parse_NestingBeyondTheLimit_ReportsNotJsonWithoutStackOverflow()
    {
        var arrays = Envelope("\"type\":\"hang\",\"x\":" + new string('[', 100_000) + new string(']', 100_000));
        var objects = "{\"message\":" + string.Concat(Enumerable.Repeat("{\"a\":", 10_000)) + "1" + new string('}', 10_001);
        var onlyOpen = new string('{', 1_000_000);

        Assert.Equal(WebhookParseError.NotJson, ParseAndTouch(arrays).Error);
        Assert.Equal(WebhookParseError.NotJson, ParseAndTouch(objects).Error);
        Assert.Equal(WebhookParseError.NotJson, ParseAndTouch(onlyOpen).Error);
    }

    [Fact]
    public void Parse_NestingJustWithinTheLimit_IsOk()
    {
        var deep = new string('[', 50) + new string(']', 50);
        var result = ParseAndTouch(Envelope("\"type\":\"end-of-call-report\",\"analysis\":{\"successEvaluation\":" + deep + "},\"x\":" + deep));

        Assert.True(result.Ok, result.Detail);
        Assert.Equal(deep, result.Message!.Analysis!.SuccessEvaluation);
    }

    [Fact]
    public void Parse_HugeStringsAndManyFields_AreReadWhole()
    {
        var transcript = new string('a', 4_000_000);
        var longKey = new string('k', 100_000);
        var many = string.Concat(Enumerable.Range(0, 5_000).Select(i => $",\"f{i}\":{i}"));
        var body = Envelope($"\"type\":\"end-of-call-report\",\"artifact\":{{\"transcript\":\"{transcript}\"}},\"{longKey}\":\"v\"{many}");

        var result = ParseAndTouch(body);

        Assert.True(result.Ok, result.Detail);
        Assert.Equal(transcript.Length, result.Message!.Artifact!.Transcript!.Length);
        Assert.True(result.Message.Extra!.ContainsKey(longKey));
        Assert.True(result.Message.Extra.ContainsKey("f4999"));
    }

    [Fact]
    public void Parse_HugeArrays_AreRead()
    {
        var messages = string.Join(',', Enumerable.Range(0, 20_000).Select(i => $"{{\"role\":\"user\",\"message\":\"m{i}\",\"time\":{i}}}"));

        var result = ParseAndTouch(Envelope($"\"type\":\"end-of-call-report\",\"artifact\":{{\"messages\":[{messages}]}}"));

        Assert.True(result.Ok, result.Detail);
        Assert.Equal(20_000, result.Message!.Artifact!.Messages!.Count);
    }

    [Theory]
    [InlineData(""" "timestamp":253402300799999 """)] // the last millisecond of year 9999
    [InlineData(""" "timestamp":-62135596800 """)] // year 1, in seconds
    [InlineData(""" "timestamp":-1 """)]
    [InlineData(""" "timestamp":0 """)]
    public void Parse_TimestampAtTheEdgesOfTheDateRange_IsRead(string fields)
    {
        var result = ParseAndTouch(Envelope(""" "type":"status-update","status":"ringing", """ + fields));

        Assert.True(result.Ok, result.Detail);
        Assert.NotNull(result.Message!.Timestamp);
    }

    [Theory]
    [InlineData(""" "timestamp":99999999999999999 """)] // fits a long, beyond year 9999 in ms
    [InlineData(""" "timestamp":-99999999999999999 """)]
    [InlineData(""" "timestamp":1e20 """)] // does not fit a long
    [InlineData(""" "timestamp":1e400 """)]
    [InlineData(""" "timestamp":"99999999999999999" """)]
    [InlineData(""" "startedAt":9223372036854775807 """)]
    [InlineData(""" "call":{"id":"c-1","createdAt":-9223372036854775808} """)]
    public void Parse_TimestampOutOfRange_NeverThrowsAndBecomesNull(string fields)
    {
        var result = ParseAndTouch(Envelope(""" "type":"status-update","status":"ringing", """ + fields));

        Assert.True(result.Ok, result.Detail);
        Assert.Null(result.Message!.Timestamp);
        Assert.Null(result.Message.StartedAt);
        Assert.Null(result.Message.Call?.CreatedAt);
    }

    [Theory]
    [InlineData(""" "artifact":{"recording":{"mono":{"combinedUrl":{"url":"https://m"}}}} """)]
    [InlineData(""" "artifact":{"recording":{"mono":{"combinedUrl":null},"stereoUrl":null}} """)]
    public void BestRecordingUrl_RecordingWithObjectOrNullUrls_IsNull(string fields)
    {
        var result = VapiWebhookParser.Parse(Envelope(""" "type":"end-of-call-report", """ + fields));

        Assert.True(result.Ok, result.Detail);
        Assert.Null(result.Message!.Artifact!.BestRecordingUrl);
    }

    [Theory]
    [InlineData(""" "artifact":{"recording":{"mono":"https://m"}} """)]
    [InlineData(""" "artifact":{"recording":{"mono":["https://m"]}} """)]
    [InlineData(""" "artifact":{"recording":{"mono":{"combinedUrl":5}}} """)]
    [InlineData(""" "artifact":{"recording":{"stereoUrl":true}} """)]
    public void BestRecordingUrl_RecordingOfUnexpectedShape_IsNullNotAnException(string fields)
    {
        var result = VapiWebhookParser.Parse(Envelope(""" "type":"end-of-call-report", """ + fields));

        Assert.True(result.Ok, result.Detail);
        var artifact = result.Message!.Artifact!;
        var url = Record.Exception(() => artifact.BestRecordingUrl);
        Assert.Null(url);
        Assert.Null(artifact.BestRecordingUrl);
    }

    [Theory]
    [InlineData("""{"message":{"type":"status-update","status":"ringing","status":"ended"}}""")]
    [InlineData("""{"message":{"type":"status-update","call":{"id":"a","id":"b"}}}""")]
    [InlineData("""{"message":{"type":"status-update","Type":"hang","STATUS":"ended","status":"ringing"}}""")]
    public void Parse_DuplicateKeysOfTypedFields_NeverThrows(string body)
    {
        var result = ParseAndTouch(body);

        Assert.NotNull(result);
    }

    [Theory]
    [InlineData("""{"message":{"type":"hang"},"message":{"type":"status-update","status":"ended"}}""")]
    [InlineData("""{"message":{"type":"status-update","call":{"id":"a","assistantOverrides":{"metadata":{"campaignId":"x","campaignId":"y"}}}}}""")]
    [InlineData("""{"message":{"type":"status-update","call":{"id":"a","assistantOverrides":{"metadata":{"campaignId":"x","CampaignId":"y"}}}}}""")]
    [InlineData("""{"message":{"type":"end-of-call-report","analysis":{"structuredData":{"x":1,"x":2}}}}""")]
    public void Parse_DuplicateKeysInsideFreeFormObjects_NeverThrows(string body)
    {
        var result = ParseAndTouch(body);
        _ = result.Message?.Analysis?.StructuredData?["x"];

        Assert.NotNull(result);
    }

    [Fact]
    public void Parse_Utf8ByteOrderMark_NeverThrows()
    {
        byte[] body = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(StatusUpdateNoAnswer)];

        var result = ParseAndTouch(body);

        Assert.NotNull(result);
    }

    [Fact]
    public void Parse_SameBodyTwice_GivesEqualIndependentResults()
    {
        var first = VapiWebhookParser.Parse(EndOfCallReport);
        var second = VapiWebhookParser.Parse(EndOfCallReport);
        first.Message!.Analysis!.StructuredData!["interested"] = false;

        Assert.True(second.Message!.Analysis!.StructuredData!["interested"]!.GetValue<bool>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(EndOfCallReport)!["message"]!["costs"], second.Message.Costs));
    }
}
