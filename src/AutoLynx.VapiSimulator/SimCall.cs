using System.Text.Json;
using System.Text.Json.Nodes;

namespace AutoLynx.VapiSimulator;

/// <summary>One simulated call. While it is live, <see cref="Body"/> is the Call object Vapi would return, and it and
/// the mutable state below are only touched under <see cref="Gate"/>. Once its end-of-call-report is out the call is
/// frozen: the Call is kept as UTF-8 JSON and the live objects (assistant, variables, fault stream) are let go, so
/// tens of thousands of ended calls cost a few KB each instead of a JsonNode graph each.</summary>
internal sealed class SimCall
{
    private JsonObject? _body;
    private JsonObject? _assistant;
    private JsonObject? _variableValues;
    private JsonObject? _phoneNumberJson;
    private Random? _faultRandom;
    private byte[]? _frozenBody;

    public required string Id { get; init; }
    public required long Sequence { get; init; }

    /// <summary>The POST /call body as received, as UTF-8 JSON (shown by /_sim/calls).</summary>
    public required byte[] RequestJson { get; init; }
    public required string? AssistantId { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required string CustomerNumber { get; init; }
    public required SimPhoneNumber PhoneNumber { get; init; }
    public required CallPlan Plan { get; init; }
    public required string BaseUrl { get; init; }

    /// <summary>Where and how this call's webhooks go (assistant.server, else the phone number's), fixed at creation;
    /// with no URL there, the org-level <see cref="SimulatorOptions.WebhookUrl"/> at the time of delivery.</summary>
    public required WebhookServer Server { get; init; }

    /// <summary>monitorPlan.controlAuthenticationEnabled of the assistant the call runs.</summary>
    public required bool ControlAuthenticationEnabled { get; init; }

    /// <summary>GET /call/{id} fails for this call, every time (FaultPlan.RateGetCallError, drawn when it was created).</summary>
    public bool LookupsFail { get; init; }

    /// <summary>Cancelled by /_sim/reset and shutdown.</summary>
    public required CancellationToken Generation { get; init; }

    /// <summary>Wakes the lifecycle when the call is ended from outside (end-call, reset).</summary>
    public required CancellationTokenSource FlowCancellation { get; init; }

    /// <summary>The Call object (live calls only).</summary>
    public required JsonObject Body { get => _body ?? throw Frozen(); init => _body = value; }

    /// <summary>The assistant the call runs: saved or transient, with assistantOverrides merged on top (live calls only).</summary>
    public required JsonObject Assistant { get => _assistant ?? throw Frozen(); init => _assistant = value; }
    public required JsonObject VariableValues { get => _variableValues ?? throw Frozen(); init => _variableValues = value; }
    public required JsonObject PhoneNumberJson { get => _phoneNumberJson ?? throw Frozen(); init => _phoneNumberJson = value; }
    public required Random FaultRandom { get => _faultRandom ?? throw Frozen(); init => _faultRandom = value; }

    public Lock Gate { get; } = new();

    /// <summary>Whether the call still counts against the concurrency limit; guarded by the store.</summary>
    public bool HoldsSlot { get; set; }

    /// <summary>When a call sent with a schedulePlan is due (it is "scheduled" until then); null for an immediate call.</summary>
    public DateTimeOffset? ScheduledFor { get; init; }

    public string Status { get; set; } = "queued";
    public string? EndedReason { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    public bool Deleted { get; set; }
    public bool IsEnded => Status == "ended";
    public bool IsFrozen => _frozenBody is not null;

    public List<(string Status, DateTimeOffset At)> Timeline { get; } = [];
    public List<WebhookRecord> Webhooks { get; } = [];

    /// <summary>The last queued delivery: each webhook waits for it, so a call's webhooks go out in order.</summary>
    public Task WebhookTail { get; set; } = Task.CompletedTask;

    /// <summary>Webhooks queued or held and not yet delivered (or given up); changed with Interlocked.</summary>
    public int PendingWebhooks;

    /// <summary>Whether the end-of-call-report has been produced (queued, dropped or skipped).</summary>
    public bool ReportQueued { get; set; }

    /// <summary>Ended, report produced, nothing left to deliver: what a test waits for before judging webhooks.</summary>
    public bool WebhooksSettled => IsEnded && ReportQueued && Volatile.Read(ref PendingWebhooks) == 0;

    /// <summary>A webhook held back by the reorder fault, sent after the next one.</summary>
    public PendingWebhook? HeldWebhook { get; set; }

    /// <summary>The Call as JSON (under the Gate).</summary>
    public void WriteBody(Utf8JsonWriter writer)
    {
        if (_frozenBody is not null)
        {
            writer.WriteRawValue(_frozenBody, skipInputValidation: true);
        }
        else
        {
            Body.WriteTo(writer, SimJson.Options);
        }
    }

    /// <summary>The Call as UTF-8 JSON (under the Gate). A frozen call's bytes are never changed in place.</summary>
    public byte[] BodyBytes() => _frozenBody ?? JsonSerializer.SerializeToUtf8Bytes(Body, SimJson.Options);

    /// <summary>The Call as a JsonObject to modify (PATCH): the live object, or a parsed copy of a frozen call.</summary>
    public JsonObject EditableBody() => _body ?? (JsonObject)JsonNode.Parse(_frozenBody!)!;

    /// <summary>Stores a frozen call's edited body (PATCH on an ended call).</summary>
    public void ReplaceFrozenBody(JsonObject body) =>
        _frozenBody = JsonSerializer.SerializeToUtf8Bytes(body, SimJson.Options);

    /// <summary>Keeps only the Call's JSON; called under the Gate once the call will send no more new webhooks.</summary>
    public void Freeze()
    {
        if (_body is null)
        {
            return;
        }

        _frozenBody = JsonSerializer.SerializeToUtf8Bytes(_body, SimJson.Options);
        _body = null;
        _assistant = null;
        _variableValues = null;
        _phoneNumberJson = null;
        _faultRandom = null;
        FlowCancellation.Dispose();
    }

    private InvalidOperationException Frozen() => new($"Call {Id} has ended and been frozen; only its JSON is kept.");
}

/// <summary>A call's server settings: URL (null = the org's), extra headers, timeout and backoffPlan.</summary>
internal sealed record WebhookServer(string? Url, IReadOnlyList<(string Name, string Value)> Headers, TimeSpan Timeout, JsonObject? BackoffPlan);

/// <summary>A serialized webhook waiting in its call's delivery chain. <paramref name="Burst"/> completes (with the
/// burst's number) when a held-back burst is released.</summary>
internal sealed record PendingWebhook(string Type, string? Status, byte[] Payload, int Copies, Task<int>? Burst);

/// <summary>One delivery attempt series as /_sim/calls shows it; <paramref name="Attempts"/> counts retries too;
/// <paramref name="Bytes"/> is the body's size (0 when none was sent).</summary>
internal sealed record WebhookRecord(string Type, string? Status, DateTimeOffset At, string Result, int Attempts = 1, int? Burst = null, int Bytes = 0);
