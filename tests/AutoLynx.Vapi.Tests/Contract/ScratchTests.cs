using Xunit.Abstractions;
using System.Text.Json.Nodes;
using AutoLynx.VapiSimulator.Spec;
namespace AutoLynx.Vapi.Tests.Contract;
public sealed class ScratchTests(ITestOutputHelper output)
{
    [Fact]
    public void Scratch()
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var spec = VapiSpec.Instance;
        output.WriteLine($"load {sw.ElapsedMilliseconds}");
        var body = JsonNode.Parse("""{"assistantId":"a","phoneNumberId":"p","type":"outboundPhoneCall","name":12,"customer":{"number":"+1415","foo":1},"assistantOverrides":{"variableValues":{"x":1},"model":{"provider":"openai","model":"gpt-4o","bar":2},"maxDurationSeconds":5}}""");
        var e = spec.ValidateRequest("CreateCallDTO", body);
        output.WriteLine($"first {sw.ElapsedMilliseconds}");
        foreach (var x in e) output.WriteLine(x);
        foreach (var x in spec.ValidateRequest("UpdateAssistantDTO", JsonNode.Parse("""{"name":"x","server":{"url":"http://a","secret":"s","timeoutSeconds":0},"silenceTimeoutSeconds":30,"firstMessageMode":"nope","voicemailDetection":"off","model":{"provider":"openai","model":"gpt-4o","messages":[{"role":"system","content":"hi"}]}}"""))) output.WriteLine("A " + x);
        foreach (var x in spec.ValidateResponse("Call", JsonNode.Parse("""{"id":"x","orgId":"o","createdAt":"2026-01-01T00:00:00Z","status":"weird","cost":"1"}"""))) output.WriteLine("R " + x);
        sw.Restart();
        e = spec.ValidateRequest("CreateCallDTO", body);
        output.WriteLine($"second {sw.ElapsedMilliseconds}");
    }
}
