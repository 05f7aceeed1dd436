using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace AutoLynx.VapiSimulator;

/// <summary>Walks a call through [scheduled →] queued → ringing → in-progress [→ forwarding] → ended on the (scaled)
/// clock, emitting a status-update per change and an end-of-call-report a few seconds after the end.</summary>
internal sealed class CallLifecycle(
    CallStore store, WebhookSender webhooks, SimulatorOptions options, TimeProvider time, ILogger<CallLifecycle> logger)
{
    public void Start(SimCall call) => _ = Task.Run(() => RunAsync(call));

    private async Task RunAsync(SimCall call)
    {
        var plan = call.Plan;
        var ct = call.FlowCancellation.Token;
        try
        {
            if (plan.Outcome == CallOutcome.ConcurrencyBlocked)
            {
                End(call, plan.EndedReason, 0);
                return;
            }

            if (call.ScheduledFor is { } due)
            {
                if (!Advance(call, "scheduled"))
                {
                    return;
                }

                // Time compression applies to the wait too: at TimeScale 0.01 a call due in 10 minutes dials in 6 s.
                await DelayAsync(Math.Max(0, (due - call.CreatedAt).TotalSeconds), ct);
                if (!store.TakeSlot(call, options.ConcurrencyLimit))
                {
                    End(call, OutcomePlanner.ConcurrencyLimitReached, 0);
                    return;
                }
            }

            if (!Advance(call, "queued"))
            {
                return;
            }

            await DelayAsync(plan.QueuedSeconds, ct);
            if (plan.SkipsRinging)
            {
                End(call, plan.EndedReason, 0);
                return;
            }

            if (!Advance(call, "ringing"))
            {
                return;
            }

            await DelayAsync(plan.RingSeconds, ct);
            if (plan.EndsRinging)
            {
                End(call, plan.EndedReason, 0);
                return;
            }

            if (!Advance(call, "in-progress"))
            {
                return;
            }

            if (plan.NeverEnds)
            {
                store.Count(FaultKind.NeverEnds);
                return; // a never-ending call waits for end-call on its controlUrl
            }

            await TalkAsync(call, plan, ct);
            if (plan.Outcome == CallOutcome.Forwarded)
            {
                if (!Advance(call, "forwarding"))
                {
                    return;
                }

                await DelayAsync(plan.ForwardingSeconds, ct);
            }

            End(call, plan.EndedReason, plan.TalkSeconds + plan.ForwardingSeconds);
        }
        catch (OperationCanceledException)
        {
            // ended from outside, reset, or shutdown
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Simulated call {CallId} failed", call.Id);
        }
    }

    /// <summary>Ends a call now (end-call on the controlUrl, or deletion of a scheduled call). False when it had already ended.</summary>
    public bool EndNow(SimCall call, string endedReason)
    {
        double nominal;
        lock (call.Gate)
        {
            if (call.IsEnded)
            {
                return false;
            }

            var scale = options.TimeScale;
            nominal = call.StartedAt is { } started && scale > 0 ? (Now() - started).TotalSeconds / scale : 0;
        }

        return End(call, endedReason, nominal);
    }

    private bool Advance(SimCall call, string status)
    {
        lock (call.Gate)
        {
            if (call.IsEnded)
            {
                return false;
            }

            var now = Now();
            if (call.Status != status) // "queued"/"scheduled" is already set (and stamped) at creation: only announce it
            {
                call.Status = status;
                call.UpdatedAt = now;
                call.Timeline.Add((status, now));
                call.Body["status"] = status;
                call.Body["updatedAt"] = SimJson.Iso(now);
            }

            if (status == "in-progress")
            {
                call.StartedAt = now;
                call.Body["startedAt"] = SimJson.Iso(now);
            }
            else if (status == "forwarding")
            {
                call.Body["destination"] = new JsonObject
                {
                    ["type"] = "number",
                    ["number"] = SimulatorDefaults.ForwardingNumber,
                    ["message"] = "Let me connect you with a colleague now.",
                    ["description"] = "Sales team",
                };
            }

            webhooks.Enqueue(call, "status-update", status, WebhookMessages.StatusUpdate(call, now), final: false);
            return true;
        }
    }

    private bool End(SimCall call, string endedReason, double nominalSeconds)
    {
        lock (call.Gate)
        {
            if (call.IsEnded)
            {
                return false;
            }

            var now = Now();
            call.Status = "ended";
            call.EndedReason = endedReason;
            call.UpdatedAt = now;
            call.Timeline.Add(("ended", now));
            call.Body["status"] = "ended";
            call.Body["endedReason"] = endedReason;
            call.Body["updatedAt"] = SimJson.Iso(now);
            if (call.StartedAt is not null)
            {
                call.EndedAt = now;
                call.Body["endedAt"] = SimJson.Iso(now);
            }

            // Results are on the call as soon as it ends, so GET /call/{id} agrees with every later webhook.
            CallArtifacts.Apply(call, now, nominalSeconds);
            store.Release(call, endedReason);
            webhooks.Enqueue(call, "status-update", "ended", WebhookMessages.StatusUpdate(call, now), final: false);
        }

        try
        {
            call.FlowCancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }

        _ = SendReportLaterAsync(call);
        return true;
    }

    private async Task SendReportLaterAsync(SimCall call)
    {
        try
        {
            await DelayAsync(call.Plan.AnalysisSeconds, call.Generation);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        lock (call.Gate)
        {
            var report = WebhookMessages.EndOfCallReport(call, Now(), options.LegacyReportFields);
            webhooks.Enqueue(call, "end-of-call-report", null, report, final: true);
            call.ReportQueued = true;
            call.Freeze(); // no new webhook after this one: keep only the Call's JSON
        }
    }

    /// <summary>
    /// The conversation, turn by turn: where the assistant asks for them (Vapi's default list does), a speech-update as
    /// each speaker starts and stops and a conversation-update carrying the conversation so far after each turn, like
    /// Vapi's. The lines are the ones the end-of-call report will carry. Without those messages wanted, just the wait.
    /// </summary>
    private async Task TalkAsync(SimCall call, CallPlan plan, CancellationToken ct)
    {
        var speech = WebhookSender.Wants(call.Assistant, "speech-update");
        var conversation = WebhookSender.Wants(call.Assistant, "conversation-update");
        if (!speech && !conversation)
        {
            await DelayAsync(plan.TalkSeconds, ct);
            return;
        }

        var lines = ConversationScript.For(call).Lines(plan.EndedReason, plan.TalkSeconds);
        var step = plan.TalkSeconds / Math.Max(1, lines.Count);
        var said = new List<(string Role, string Text, DateTimeOffset At)>();
        for (var turn = 0; turn < lines.Count; turn++)
        {
            var (role, text) = lines[turn];
            var speaker = role == "bot" ? "assistant" : "user";
            if (speech && !Emit(call, "speech-update", now => WebhookMessages.SpeechUpdate(call, now, "started", speaker, turn)))
            {
                return;
            }

            await DelayAsync(step, ct);
            said.Add((role, text, Now()));
            if (speech && !Emit(call, "speech-update", now => WebhookMessages.SpeechUpdate(call, now, "stopped", speaker, turn)))
            {
                return;
            }

            if (conversation && !Emit(call, "conversation-update", now => WebhookMessages.ConversationUpdate(call, now, said)))
            {
                return;
            }
        }

        await DelayAsync(Math.Max(0, plan.TalkSeconds - step * lines.Count), ct);
    }

    /// <summary>Queues a message built under the call's Gate; false once the call has ended.</summary>
    private bool Emit(SimCall call, string type, Func<DateTimeOffset, byte[]> build)
    {
        lock (call.Gate)
        {
            if (call.IsEnded)
            {
                return false;
            }

            webhooks.Enqueue(call, type, null, build(Now()), final: false);
            return true;
        }
    }

    private Task DelayAsync(double nominalSeconds, CancellationToken ct)
    {
        var seconds = nominalSeconds * Math.Max(0, options.TimeScale);
        if (seconds <= 0)
        {
            ct.ThrowIfCancellationRequested();
            return Task.CompletedTask;
        }

        return Task.Delay(TimeSpan.FromSeconds(seconds), time, ct);
    }

    private DateTimeOffset Now() => SimJson.ToMilliseconds(time.GetUtcNow());
}
