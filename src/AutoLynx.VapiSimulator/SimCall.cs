using System.Text.Json.Nodes;

namespace AutoLynx.VapiSimulator;

/// <summary>One simulated call. <see cref="Body"/> is the Call object Vapi would return; it and the mutable state
/// below are only touched under <see cref="Gate"/>.</summary>
internal sealed class SimCall
{
    public required string Id { get; init; }
    public required long Sequence { get; init; }
    public required JsonObject Request { get; init; }
    public required JsonObject Body { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required string CustomerNumber { get; init; }
    public required SimPhoneNumber PhoneNumber { get; init; }
    public required JsonObject PhoneNumberJson { get; init; }

    /// <summary>The assistant the call runs: saved or transient, with assistantOverrides merged on top.</summary>
    public required JsonObject Assistant { get; init; }
    public required JsonObject VariableValues { get; init; }
    public required CallPlan Plan { get; init; }
    public required string BaseUrl { get; init; }

    /// <summary>Cancelled by /_sim/reset and shutdown.</summary>
    public required CancellationToken Generation { get; init; }

    /// <summary>Wakes the lifecycle when the call is ended from outside (end-call, reset).</summary>
    public required CancellationTokenSource FlowCancellation { get; init; }
    public required Random FaultRandom { get; init; }

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
}

/// <summary>A serialized webhook waiting in its call's delivery chain. <paramref name="Burst"/> completes (with the
/// burst's number) when a held-back burst is released.</summary>
internal sealed record PendingWebhook(string Type, string? Status, byte[] Payload, int Copies, Task<int>? Burst);

/// <summary>One delivery attempt series as /_sim/calls shows it; <paramref name="Attempts"/> counts retries too.</summary>
internal sealed record WebhookRecord(string Type, string? Status, DateTimeOffset At, string Result, int Attempts = 1, int? Burst = null);
