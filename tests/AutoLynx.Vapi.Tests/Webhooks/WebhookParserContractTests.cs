using System.Text;
using System.Text.Json.Nodes;
using AutoLynx.Vapi.Models;
using AutoLynx.Vapi.Webhooks;

namespace AutoLynx.Vapi.Tests.Webhooks;

/// <summary>The two example payloads of vapi-contract.md §8, verbatim, and every field the app reads from them.</summary>
public sealed partial class WebhookParserContractTests
{
    internal const string StatusUpdateNoAnswer = """
        {"message":{"type":"status-update","status":"ended","endedReason":"customer-did-not-answer","timestamp":1767261631512,
         "call":{"id":"019b7a2e-5c31-7d40-9f0e-2b8f6a1c9d33","orgId":"3f0c2b8e-7a51-4f0e-9a7d-5b2d8c4e1f60","type":"outboundPhoneCall",
          "status":"ended","endedReason":"customer-did-not-answer","createdAt":"2026-01-01T09:59:48.120Z","updatedAt":"2026-01-01T10:00:31.498Z",
          "assistantId":"5b0a4a08-133c-4146-9315-0984f8c6be80","phoneNumberId":"42b4b25d-031e-4786-857f-63b346c9580f",
          "customer":{"number":"+14155550123","name":"Ann Lee","externalId":"contact-42"},
          "assistantOverrides":{"variableValues":{"first_name":"Ann"},"metadata":{"campaignId":"cmp-7"}},"cost":0,"costs":[]},
         "phoneNumber":{"provider":"twilio","number":"+14155559876"},"customer":{"number":"+14155550123","externalId":"contact-42"}}}
        """;

    internal const string EndOfCallReport = """
        {"message":{"type":"end-of-call-report","timestamp":1767262004031,"endedReason":"customer-ended-call",
         "startedAt":"2026-01-01T10:05:02.114Z","endedAt":"2026-01-01T10:06:31.870Z","cost":0.1265,
         "costs":[{"type":"transport","provider":"twilio","minutes":1.4959,"cost":0.0209},
          {"type":"model","model":{"provider":"openai","model":"gpt-4.1"},"promptTokens":5120,"completionTokens":161,"cost":0.0115},
          {"type":"voice","voice":{"provider":"11labs","voiceId":"21m00Tcm4TlvDq8ikWAM"},"characters":642,"cost":0.0193},
          {"type":"vapi","subType":"normal","minutes":1.4959,"cost":0.0748}],
         "analysis":{"summary":"Ann is interested and booked a demo for Tuesday 3 pm.","successEvaluation":"true",
          "structuredData":{"interested":true,"demoSlot":"2026-01-06T15:00:00-08:00"}},
         "artifact":{"transcript":"AI: Hi Ann, this is Sam from Lynx. Is now a good time?\nUser: Sure, go ahead.\n…",
          "messages":[{"role":"bot","message":"Hi Ann, this is Sam from Lynx. Is now a good time?","time":1767261903250,"endTime":1767261906080,"secondsFromStart":1.12,"duration":2830},
           {"role":"user","message":"Sure, go ahead.","time":1767261907010,"endTime":1767261907890,"secondsFromStart":4.9,"duration":880}],
          "recording":{"stereoUrl":"https://storage.vapi.ai/019b7a31-stereo.wav","mono":{"combinedUrl":"https://storage.vapi.ai/019b7a31-mono.wav"}},
          "recordingUrl":"https://storage.vapi.ai/019b7a31-mono.wav","stereoRecordingUrl":"https://storage.vapi.ai/019b7a31-stereo.wav"},
         "call":{"id":"019b7a31-0e2c-7b55-8d11-6c0f3e9a4b27","type":"outboundPhoneCall","status":"ended","endedReason":"customer-ended-call",
          "customer":{"number":"+14155550123","externalId":"contact-42"}},
         "phoneNumber":{"provider":"twilio","number":"+14155559876"},"customer":{"number":"+14155550123","externalId":"contact-42"},
         "assistant":{"name":"Sam outbound"}}}
        """;

    /// <summary>Wraps the fields of a message in Vapi's envelope.</summary>
    internal static string Envelope(string messageFields) => "{\"message\":{" + messageFields + "}}";

    [Fact]
    public void Parse_ContractStatusUpdateNoAnswer_ReadsEveryFieldTheAppUses()
    {
        var result = VapiWebhookParser.Parse(StatusUpdateNoAnswer);

        Assert.True(result.Ok, result.Detail);
        Assert.True(result.Actionable);
        Assert.Equal(WebhookParseError.None, result.Error);
        Assert.Null(result.Detail);
        var m = result.Message!;
        Assert.Equal(VapiMessageTypes.StatusUpdate, m.Type);
        Assert.True(m.IsStatusUpdate);
        Assert.False(m.IsEndOfCallReport);
        Assert.Equal(VapiCallStatus.Ended, m.Status);
        Assert.Equal(EndedReasons.CustomerDidNotAnswer, m.EndedReason);
        Assert.Equal(CallOutcomeClass.NoAnswer, EndedReasons.Classify(m.EndedReason));
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 10, 0, 31, 512, TimeSpan.Zero), m.Timestamp);
        Assert.Equal(1767261631512, m.Timestamp!.Value.ToUnixTimeMilliseconds());
        Assert.Equal("contact-42", m.Customer?.ExternalId);
        Assert.Equal("+14155550123", m.Customer?.Number);
        Assert.Equal("+14155559876", m.PhoneNumber?["number"]?.GetValue<string>());
        Assert.Null(m.Cost);
        Assert.Null(m.Artifact);
        Assert.Null(m.Analysis);

        var call = Assert.IsType<VapiCall>(m.Call);
        Assert.Equal("019b7a2e-5c31-7d40-9f0e-2b8f6a1c9d33", call.Id);
        Assert.Equal("3f0c2b8e-7a51-4f0e-9a7d-5b2d8c4e1f60", call.OrgId);
        Assert.Equal("outboundPhoneCall", call.Type);
        Assert.Equal(VapiCallStatus.Ended, call.Status);
        Assert.Equal("customer-did-not-answer", call.EndedReason);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 9, 59, 48, 120, TimeSpan.Zero), call.CreatedAt);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 10, 0, 31, 498, TimeSpan.Zero), call.UpdatedAt);
        Assert.Equal("5b0a4a08-133c-4146-9315-0984f8c6be80", call.AssistantId);
        Assert.Equal("42b4b25d-031e-4786-857f-63b346c9580f", call.PhoneNumberId);
        Assert.Equal(new VapiCustomer { Number = "+14155550123", Name = "Ann Lee", ExternalId = "contact-42" }, call.Customer);
        Assert.Equal("cmp-7", call.MetadataValue("campaignId"));
        Assert.Equal("Ann", call.AssistantOverrides?["variableValues"]?["first_name"]?.GetValue<string>());
        Assert.Equal(0m, call.Cost);
        Assert.Empty(call.Costs!);
        Assert.Null(call.StartedAt);
        Assert.Null(call.EndedAt);
    }

    [Fact]
    public void Parse_ContractEndOfCallReport_ReadsEveryFieldTheAppUses()
    {
        var result = VapiWebhookParser.Parse(Encoding.UTF8.GetBytes(EndOfCallReport));

        Assert.True(result.Ok, result.Detail);
        Assert.True(result.Actionable);
        var m = result.Message!;
        Assert.Equal(VapiMessageTypes.EndOfCallReport, m.Type);
        Assert.True(m.IsEndOfCallReport);
        Assert.False(m.IsStatusUpdate);
        Assert.Null(m.Status);
        Assert.Equal("customer-ended-call", m.EndedReason);
        Assert.Equal(CallOutcomeClass.Talked, EndedReasons.Classify(m.EndedReason));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1767262004031), m.Timestamp);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 10, 6, 44, 31, TimeSpan.Zero), m.Timestamp);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 10, 5, 2, 114, TimeSpan.Zero), m.StartedAt);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 10, 6, 31, 870, TimeSpan.Zero), m.EndedAt);
        Assert.Equal(TimeSpan.FromMilliseconds(89_756), m.EndedAt - m.StartedAt);
        Assert.Equal(0.1265m, m.Cost);
        Assert.Equal(4, m.Costs!.Count);
        Assert.Equal(["transport", "model", "voice", "vapi"], m.Costs.Select(c => c!["type"]!.GetValue<string>()));
        Assert.Equal(m.Cost, m.Costs.Sum(c => c!["cost"]!.GetValue<decimal>()));

        var artifact = Assert.IsType<VapiArtifact>(m.Artifact);
        Assert.Equal("AI: Hi Ann, this is Sam from Lynx. Is now a good time?\nUser: Sure, go ahead.\n…", artifact.Transcript);
        Assert.Equal(2, artifact.Messages!.Count);
        Assert.Equal(["bot", "user"], artifact.Messages.Select(x => x!["role"]!.GetValue<string>()));
        Assert.Equal(1767261903250, artifact.Messages[0]!["time"]!.GetValue<long>());
        Assert.Equal("https://storage.vapi.ai/019b7a31-mono.wav", artifact.RecordingUrl);
        Assert.Equal("https://storage.vapi.ai/019b7a31-stereo.wav", artifact.StereoRecordingUrl);
        Assert.Equal("https://storage.vapi.ai/019b7a31-mono.wav", artifact.BestRecordingUrl);
        Assert.Equal("https://storage.vapi.ai/019b7a31-stereo.wav", artifact.Recording?["stereoUrl"]?.GetValue<string>());

        var analysis = Assert.IsType<VapiAnalysis>(m.Analysis);
        Assert.Equal("Ann is interested and booked a demo for Tuesday 3 pm.", analysis.Summary);
        Assert.Equal("true", analysis.SuccessEvaluation);
        Assert.True(analysis.StructuredData!["interested"]!.GetValue<bool>());
        Assert.Equal("2026-01-06T15:00:00-08:00", analysis.StructuredData["demoSlot"]!.GetValue<string>());

        var call = Assert.IsType<VapiCall>(m.Call);
        Assert.Equal("019b7a31-0e2c-7b55-8d11-6c0f3e9a4b27", call.Id);
        Assert.Equal(VapiCallStatus.Ended, call.Status);
        Assert.Equal("customer-ended-call", call.EndedReason);
        Assert.Equal("contact-42", call.Customer?.ExternalId);
        Assert.Null(call.MetadataValue("campaignId")); // this trimmed call carries no assistantOverrides
        Assert.Equal("contact-42", m.Customer?.ExternalId);
        Assert.Equal("Sam outbound", m.Assistant?["name"]?.GetValue<string>());
        Assert.Equal("twilio", m.PhoneNumber?["provider"]?.GetValue<string>());

        // None of the legacy top-level fields is in the current payload.
        Assert.Null(m.RecordingUrl);
        Assert.Null(m.Summary);
        Assert.Null(m.Transcript);
        Assert.Null(m.DurationSeconds);
    }

    [Fact]
    public void Parse_LegacyTopLevelReportFields_AreRead()
    {
        var result = VapiWebhookParser.Parse("""
            {"message":{"type":"end-of-call-report","endedReason":"customer-ended-call","recordingUrl":"https://r/1.wav",
             "summary":"old summary","transcript":"AI: hi","durationSeconds":"89.7","durationMs":89700,"stereoRecordingUrl":"https://r/2.wav"}}
            """);

        Assert.True(result.Actionable, result.Detail);
        var m = result.Message!;
        Assert.Equal("https://r/1.wav", m.RecordingUrl);
        Assert.Equal("old summary", m.Summary);
        Assert.Equal("AI: hi", m.Transcript);
        Assert.Equal(89.7, m.DurationSeconds);
        Assert.True(m.Extra!.ContainsKey("durationMs"));
        Assert.True(m.Extra.ContainsKey("stereoRecordingUrl"));
    }

    [Theory]
    [InlineData("speech-update", ""","status":"started","role":"assistant","turn":1""")]
    [InlineData("hang", "")]
    [InlineData("conversation-update", ""","messages":[{"role":"bot","message":"hi"}],"messagesOpenAIFormatted":[]""")]
    [InlineData("transcript", ""","role":"user","transcriptType":"final","transcript":"yes please" """)]
    [InlineData("user-interrupted", ""","turnId":"t-1" """)]
    [InlineData("tool-calls", ""","toolCallList":[{"id":"tc-1","type":"function"}]""")]
    [InlineData("call.deleted", "")]
    [InlineData("some-type-vapi-adds-next-week", ""","whatever":{"deep":[1,2,3]}""")]
    public void Parse_OtherMessageTypes_AreOkButNotActionable(string type, string extraFields)
    {
        var body = Envelope($"\"type\":\"{type}\",\"timestamp\":1767261631512{extraFields},\"call\":{{\"id\":\"c-1\",\"status\":\"in-progress\"}}");

        var result = VapiWebhookParser.Parse(body);

        Assert.True(result.Ok, result.Detail);
        Assert.False(result.Actionable);
        Assert.Equal(type, result.Message!.Type);
        Assert.False(result.Message.IsStatusUpdate);
        Assert.False(result.Message.IsEndOfCallReport);
        Assert.Equal("c-1", result.Message.Call?.Id);
    }

    [Fact]
    public void Parse_UnknownFieldsAndEnumValues_AreIgnoredAndKept()
    {
        var result = VapiWebhookParser.Parse("""
            {"message":{"type":"status-update","status":"teleporting","endedReason":"call.in-progress.error-brand-new-fault",
             "assistantVersion":"v3","brandNewField":{"a":[1,{"b":null}]},"timestamp":1767261631512,
             "call":{"id":"c-1","type":"holographicCall","status":"teleporting","newCallField":true,
                     "customer":{"number":"+14155550123","sipUri":"sip:x@y","newCustomerField":1},
                     "artifact":{"newArtifactField":"x","recording":{"newFormat":{"url":"u"}}},
                     "analysis":{"newAnalysisField":1},"monitor":{"listenUrl":"wss://l","controlUrl":"https://c","extra":1}}},
             "unknownEnvelopeField":1}
            """);

        Assert.True(result.Ok, result.Detail);
        Assert.True(result.Actionable); // the type is known even if the values are not
        var m = result.Message!;
        Assert.Equal("teleporting", m.Status);
        Assert.Equal("call.in-progress.error-brand-new-fault", m.EndedReason);
        Assert.Equal(CallOutcomeClass.Error, EndedReasons.Classify(m.EndedReason));
        Assert.True(m.Extra!.ContainsKey("brandNewField"));
        Assert.True(m.Extra.ContainsKey("assistantVersion"));
        Assert.Equal("holographicCall", m.Call!.Type);
        Assert.True(m.Call.Extra!.ContainsKey("newCallField"));
        Assert.Equal("+14155550123", m.Call.Customer!.Number);
        Assert.Null(m.Call.Artifact!.BestRecordingUrl);
        Assert.Null(m.Call.Analysis!.SuccessEvaluation);
        Assert.Equal("https://c", m.Call.Monitor!.ControlUrl);
    }

    [Theory]
    [InlineData("""{"recordingUrl":"https://flat"}""", "https://flat")]
    [InlineData("""{"recording":{"mono":{"combinedUrl":"https://mono"},"stereoUrl":"https://st"},"stereoRecordingUrl":"https://flat-st"}""", "https://mono")]
    [InlineData("""{"recording":{"stereoUrl":"https://st"},"stereoRecordingUrl":"https://flat-st"}""", "https://st")]
    [InlineData("""{"recording":{"mono":{}},"stereoRecordingUrl":"https://flat-st"}""", "https://flat-st")]
    [InlineData("""{"recording":{}}""", null)]
    [InlineData("""{}""", null)]
    public void BestRecordingUrl_VariousShapes_PicksTheBestAvailable(string artifactJson, string? expected)
    {
        var result = VapiWebhookParser.Parse(Envelope(""" "type":"end-of-call-report","artifact": """ + artifactJson));

        Assert.True(result.Ok, result.Detail);
        Assert.Equal(expected, result.Message!.Artifact!.BestRecordingUrl);
    }

    [Theory]
    [InlineData(""" "8" """, "8")]
    [InlineData("8", "8")]
    [InlineData("8.5", "8.5")]
    [InlineData("true", "true")]
    [InlineData("false", "false")]
    [InlineData(""" "Pass" """, "Pass")]
    [InlineData("null", null)]
    [InlineData("""{"score":8}""", """{"score":8}""")]
    [InlineData("[1,2]", "[1,2]")]
    public void Parse_SuccessEvaluationOfAnyJsonType_IsReadAsText(string json, string? expected)
    {
        var result = VapiWebhookParser.Parse(Envelope(""" "type":"end-of-call-report","analysis":{"successEvaluation": """ + json + ""","summary":"s"}"""));

        Assert.True(result.Ok, result.Detail);
        Assert.Equal(expected, result.Message!.Analysis!.SuccessEvaluation);
        Assert.Equal("s", result.Message.Analysis.Summary);
    }

    [Theory]
    [InlineData("1767261631512", 1767261631512)] // epoch ms (current API)
    [InlineData("1767261631", 1767261631000)] // epoch seconds
    [InlineData("1767261631512.7", 1767261631512)]
    [InlineData(""" "2026-01-01T10:00:31.512Z" """, 1767261631512)] // ISO (older docs)
    [InlineData(""" "2026-01-01T11:00:31.512+01:00" """, 1767261631512)]
    [InlineData(""" "1767261631512" """, 1767261631512)]
    public void Parse_TimestampInEveryKnownForm_IsReadAsTheSameInstant(string json, long expectedMs)
    {
        var result = VapiWebhookParser.Parse(Envelope(""" "type":"status-update","status":"ringing","timestamp": """ + json));

        Assert.True(result.Ok, result.Detail);
        Assert.Equal(expectedMs, result.Message!.Timestamp!.Value.ToUnixTimeMilliseconds());
    }

    [Fact]
    public void Parse_IsoTimestamp_IsRead()
    {
        var result = VapiWebhookParser.Parse("""{"message":{"type":"status-update","status":"ringing","timestamp":"2026-01-01T10:00:00Z"}}""");

        Assert.True(result.Actionable, result.Detail);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 10, 0, 0, TimeSpan.Zero), result.Message!.Timestamp);
        Assert.Equal(TimeSpan.Zero, result.Message.Timestamp!.Value.Offset);
    }

    [Theory]
    [InlineData(""" "not a date" """)]
    [InlineData(""" "" """)]
    [InlineData("null")]
    [InlineData("true")]
    [InlineData("""{"ms":1}""")]
    [InlineData("[1767261631512]")]
    public void Parse_UnreadableTimestamp_BecomesNullAndTheMessageIsKept(string json)
    {
        var result = VapiWebhookParser.Parse(Envelope(""" "type":"status-update","status":"ringing","timestamp": """ + json + ""","call":{"id":"c-1"}"""));

        Assert.True(result.Actionable, result.Detail);
        Assert.Null(result.Message!.Timestamp);
        Assert.Equal("ringing", result.Message.Status);
        Assert.Equal("c-1", result.Message.Call!.Id);
    }

    [Fact]
    public void Parse_NumbersSentAsStrings_AreRead()
    {
        var result = VapiWebhookParser.Parse("""{"message":{"type":"end-of-call-report","cost":"0.1265","call":{"id":"c-1","cost":"0"}}}""");

        Assert.True(result.Ok, result.Detail);
        Assert.Equal(0.1265m, result.Message!.Cost);
        Assert.Equal(0m, result.Message.Call!.Cost);
    }
}
