using System.Globalization;

namespace AutoLynx.VapiSimulator;

internal enum CallOutcome
{
    Talked,
    NoAnswer,
    Busy,
    Voicemail,
    FailedToConnect,
    Forwarded,
    ProviderFault,
    VapiFault,
    ConcurrencyBlocked,
}

/// <summary>Everything decided about a call when it is created. Durations are nominal (unscaled) seconds.</summary>
/// <param name="RingSeconds">Ringing before the answer, or before the end when nobody answers.</param>
/// <param name="TalkSeconds">In progress (for a forwarded call: until the transfer starts).</param>
/// <param name="ForwardingSeconds">Status forwarding before the call ends (forwarded calls only).</param>
internal sealed record CallPlan(
    CallOutcome Outcome,
    string EndedReason,
    double QueuedSeconds,
    double RingSeconds,
    double TalkSeconds,
    double ForwardingSeconds,
    double AnalysisSeconds,
    bool Interested,
    bool NeverEnds,
    int FaultSeed)
{
    /// <summary>Whether the call never rings (fails straight from queued).</summary>
    public bool SkipsRinging => Outcome == CallOutcome.FailedToConnect;

    /// <summary>Whether the call ends while ringing.</summary>
    public bool EndsRinging => Outcome is CallOutcome.NoAnswer or CallOutcome.Busy or CallOutcome.ProviderFault;

    /// <summary>The person asks not to be called again (talked calls only).</summary>
    public bool OptsOut { get; init; }

    /// <summary>The person asks to be called back this long after the call ends (talked calls only).</summary>
    public TimeSpan? CallbackAfter { get; init; }
}

/// <summary>Picks outcomes and durations. The randomness comes from (seed, customer number, how many calls that
/// number has had), so the plan does not depend on the order in which concurrent requests arrive.</summary>
internal static class OutcomePlanner
{
    private static readonly (string Reason, double Weight)[] TalkedEndings =
    [
        ("customer-ended-call", 40),
        ("assistant-ended-call", 22),
        ("assistant-said-end-call-phrase", 22),
        ("silence-timed-out", 10),
        ("exceeded-max-duration", 6),
    ];

    private static readonly (string Reason, double Weight)[] ProviderFaults =
    [
        ("call.in-progress.error-providerfault-outbound-sip-480-temporarily-unavailable", 60),
        ("call.in-progress.error-providerfault-outbound-sip-503-service-unavailable", 25),
        ("call.in-progress.error-providerfault-outbound-sip-408-request-timeout", 15),
    ];

    public const string ConcurrencyLimitReached = "call.start.error-subscription-concurrency-limit-reached";
    public const string FailedToConnect = "twilio-failed-to-connect-call";
    public const string Forwarded = "assistant-forwarded-call";
    public const string VapiFault = "call.in-progress.error-vapifault-worker-died";

    public static CallPlan Plan(SimulatorOptions options, string customerNumber, int attemptIndex, bool blocked, double maxDurationSeconds)
    {
        var attempt = attemptIndex.ToString(CultureInfo.InvariantCulture);
        var random = Seeds.For(options.Seed, "call", customerNumber, attempt);

        // Draw every value in the same order for every call, whatever the outcome, so plans stay comparable.
        var outcome = PickOutcome(random, options.Outcomes);
        var talkedEnding = Pick(random, TalkedEndings);
        var providerFault = Pick(random, ProviderFaults);
        var queued = random.Between(1, 3);
        var answerRing = random.Between(3, 12);
        var noAnswerRing = random.Between(20, 30);
        var busyRing = random.Between(3, 8);
        var talk = random.Between(30, 300);
        var voicemail = random.Between(20, 40);
        var analysis = random.Between(2, 5);
        var interested = random.NextDouble() < 0.4;
        var forwarding = random.Between(2, 8);
        // Drawn last, so plans made before these existed stay the same.
        var optsOut = random.NextDouble() < options.Outcomes.OptOut;
        var asksCallback = !optsOut && random.NextDouble() < options.Outcomes.Callback;

        // Faults have their own stream so turning them on does not change outcomes.
        var faults = Seeds.For(options.Seed, "faults", customerNumber, attempt);
        var neverEnds = faults.Roll(options.Faults.RateNeverEnds);
        var faultSeed = faults.Next();

        if (blocked)
        {
            return new CallPlan(CallOutcome.ConcurrencyBlocked, ConcurrencyLimitReached, 0, 0, 0, 0, analysis, false, false, faultSeed);
        }

        return outcome switch
        {
            CallOutcome.Talked => new CallPlan(outcome, talkedEnding, queued, answerRing,
                talkedEnding == "exceeded-max-duration" ? maxDurationSeconds : Math.Min(talk, maxDurationSeconds), 0,
                analysis, interested && talkedEnding is not ("silence-timed-out" or "exceeded-max-duration"), neverEnds, faultSeed)
            {
                OptsOut = optsOut, CallbackAfter = asksCallback ? TimeSpan.FromMilliseconds(options.Outcomes.CallbackAfterMs) : null,
            },
            CallOutcome.Voicemail => new CallPlan(outcome, "voicemail", queued, answerRing, Math.Min(voicemail, maxDurationSeconds), 0,
                analysis, false, neverEnds, faultSeed),
            // Talks for a while (a third of a normal talk), then hands the caller to a person.
            CallOutcome.Forwarded => new CallPlan(outcome, Forwarded, queued, answerRing, Math.Min(talk / 3, maxDurationSeconds), forwarding,
                analysis, true, neverEnds, faultSeed),
            // Vapi's worker dies a short while into the conversation.
            CallOutcome.VapiFault => new CallPlan(outcome, VapiFault, queued, answerRing, Math.Min(talk / 6, maxDurationSeconds), 0,
                analysis, false, false, faultSeed),
            CallOutcome.NoAnswer => new CallPlan(outcome, "customer-did-not-answer", queued, noAnswerRing, 0, 0, analysis, false, false, faultSeed),
            CallOutcome.Busy => new CallPlan(outcome, "customer-busy", queued, busyRing, 0, 0, analysis, false, false, faultSeed),
            CallOutcome.ProviderFault => new CallPlan(outcome, providerFault, queued, busyRing, 0, 0, analysis, false, false, faultSeed),
            _ => new CallPlan(CallOutcome.FailedToConnect, FailedToConnect, queued, 0, 0, 0, analysis, false, false, faultSeed),
        };
    }

    private static CallOutcome PickOutcome(Random random, OutcomeMix mix) => Pick(random,
    [
        (CallOutcome.Talked, mix.Talked),
        (CallOutcome.NoAnswer, mix.NoAnswer),
        (CallOutcome.Busy, mix.Busy),
        (CallOutcome.Voicemail, mix.Voicemail),
        (CallOutcome.FailedToConnect, mix.FailedToConnect),
        (CallOutcome.Forwarded, mix.Forwarded),
        (CallOutcome.ProviderFault, mix.ProviderFault),
        (CallOutcome.VapiFault, mix.VapiFault),
    ]);

    private static T Pick<T>(Random random, (T Value, double Weight)[] choices)
    {
        var total = choices.Sum(c => Math.Max(0, c.Weight));
        var roll = random.NextDouble() * total;
        foreach (var (value, weight) in choices)
        {
            if (weight <= 0)
            {
                continue;
            }

            if (roll < weight)
            {
                return value;
            }

            roll -= weight;
        }

        // Rounding left the roll past the last weight, or all weights are zero: the last positive choice.
        for (var i = choices.Length - 1; i >= 0; i--)
        {
            if (choices[i].Weight > 0)
            {
                return choices[i].Value;
            }
        }

        return choices[0].Value;
    }
}
