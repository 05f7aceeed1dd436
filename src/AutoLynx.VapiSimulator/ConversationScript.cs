using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AutoLynx.VapiSimulator;

/// <summary>Writes a plausible conversation and its analysis from the customer's name, the variable values
/// (name, business_name) and the assistant's own messages.</summary>
internal sealed partial class ConversationScript
{
    // Asked in order after the opening; a long call uses more of them, a short one fewer.
    private static readonly (string Bot, string User)[] MiddleTurns =
    [
        ("How are you handling that today?", "Mostly by hand, honestly. It takes a lot of our time."),
        ("How many people on your team work on it?", "Three of us, part time."),
        ("What's the hardest part of it for you?", "Keeping track of who we already reached."),
        ("Would it help if those follow-ups happened automatically?", "It might, if it's easy to set up."),
        ("Setup takes about a day, and we do it with you. Do you work with a CRM at the moment?", "We use a spreadsheet, mostly."),
        ("That works too, we can import it directly. Who else would be part of the decision?", "My business partner, probably."),
        ("Makes sense. What would you want to see in a demo?", "How it handles people who don't pick up."),
        ("It retries at the times you choose and never calls anyone on your do-not-call list.", "Okay, that's good to hear."),
    ];

    private ConversationScript(string customerName, string firstName, string? business, string persona, SimCall call)
    {
        CustomerName = customerName;
        FirstName = firstName;
        Business = business;
        Persona = persona;
        Call = call;
    }

    public string CustomerName { get; }
    public string FirstName { get; }
    public string? Business { get; }
    public string Persona { get; }
    private SimCall Call { get; }

    public static ConversationScript For(SimCall call)
    {
        var vars = call.VariableValues;
        var customer = call.Body["customer"];
        var name = First(customer.GetString("name"), vars.GetString("name"), vars.GetString("full_name"),
            vars.GetString("first_name"), vars.GetString("firstName")) ?? "there";
        var firstName = First(vars.GetString("first_name"), vars.GetString("firstName")) ?? name.Split(' ')[0];
        var business = First(vars.GetString("business_name"), vars.GetString("businessName"), vars.GetString("company"));
        var persona = call.Assistant.GetString("name")?.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "Alex";
        return new ConversationScript(name, firstName, business, persona, call);
    }

    /// <summary>Lines of the conversation as (role, text); roles are Vapi's "bot" and "user".</summary>
    public List<(string Role, string Text)> Lines(string endedReason, double nominalSeconds)
    {
        if (Call.Plan.Outcome == CallOutcome.Voicemail && endedReason == "voicemail")
        {
            return
            [
                ("user", $"Hi, you've reached {CustomerName}. I can't take your call right now, please leave a message after the tone."),
                ("bot", Render(Call.Assistant.GetString("voicemailMessage"))
                    ?? $"Hi {FirstName}, this is {Persona}. Sorry I missed you — I'll try again later, or feel free to call us back."),
            ];
        }

        var lines = new List<(string, string)>
        {
            ("bot", Render(Call.Assistant.GetString("firstMessage")) ?? $"Hi {FirstName}, this is {Persona}. Do you have a quick minute?"),
            ("user", "Sure, what's this about?"),
            ("bot", Business is null
                ? "I'm calling because we help small teams follow up with their leads automatically."
                : $"I'm calling because we help businesses like {Business} follow up with their leads automatically."),
        };

        lines.Add(("user", "Okay, go on."));

        // Roughly one line every twelve seconds of conversation.
        var target = (int)Math.Clamp(nominalSeconds / 12, 4, 4 + 2 * MiddleTurns.Length + 3);
        for (var i = 0; i < MiddleTurns.Length && lines.Count + 5 <= target; i++)
        {
            lines.Add(("bot", MiddleTurns[i].Bot));
            lines.Add(("user", MiddleTurns[i].User));
        }

        if (endedReason is "manually-canceled" or "exceeded-max-duration" || endedReason.Contains("fault", StringComparison.Ordinal))
        {
            return lines; // cut off mid-conversation
        }

        if (endedReason == OutcomePlanner.Forwarded)
        {
            lines.Add(("user", "Can I talk to someone about pricing?"));
            lines.Add(("bot", "Of course. Let me connect you with a colleague now, one moment."));
            return lines;
        }

        if (endedReason == "silence-timed-out")
        {
            lines.Add(("bot", $"{FirstName}, are you still there?"));
            return lines;
        }

        lines.Add(("bot", "Would a short demo next week be useful?"));
        lines.Add(Call.Plan.Interested
            ? ("user", "Yes, actually. Tuesday afternoon works for me.")
            : ("user", "Not right now, thanks. Maybe later in the year."));
        lines.Add(Call.Plan.Interested
            ? ("bot", "Great, I've booked Tuesday at 3 pm. You'll get a confirmation by email.")
            : ("bot", "Understood, thanks for your time."));
        lines.Add(endedReason == "customer-ended-call"
            ? ("user", "Okay, I have to run. Bye.")
            : ("bot", Render(Call.Assistant.GetString("endCallMessage")) ?? $"Thanks {FirstName}, have a great day. Goodbye."));
        return lines;
    }

    public JsonObject Analysis(string endedReason, double nominalSeconds)
    {
        var who = Business is null ? CustomerName : $"{CustomerName} at {Business}";
        var voicemail = endedReason == "voicemail";
        var success = Call.Plan.Interested && endedReason is not ("manually-canceled" or "voicemail" or "silence-timed-out" or "exceeded-max-duration")
            && !endedReason.Contains("fault", StringComparison.Ordinal);
        var summary = endedReason switch
        {
            OutcomePlanner.Forwarded => $"{Persona} spoke with {who}. {FirstName} asked about pricing and was transferred to the sales team.",
            _ when endedReason.Contains("fault", StringComparison.Ordinal) =>
                $"{Persona} spoke with {who}, but the call dropped after {nominalSeconds:0} seconds because of a technical fault.",
            "voicemail" => $"{Persona} reached {who}'s voicemail and left a message asking them to call back.",
            "manually-canceled" => $"{Persona} spoke with {who}; the call was ended by the operator after {nominalSeconds:0} seconds.",
            "silence-timed-out" => $"{Persona} spoke with {who}, but the line went silent and the call timed out.",
            "exceeded-max-duration" => $"{Persona} spoke with {who}; the conversation ran past the maximum call duration.",
            _ when success => $"{Persona} spoke with {who}. {FirstName} was interested and booked a demo for Tuesday at 3 pm.",
            _ => $"{Persona} spoke with {who}. {FirstName} was not interested right now and asked to be contacted later in the year.",
        };
        var data = new JsonObject
        {
            ["interested"] = success,
            ["demoBooked"] = success,
            ["reachedVoicemail"] = voicemail,
        };
        var talked = Call.Plan.Outcome == CallOutcome.Talked && !endedReason.Contains("fault", StringComparison.Ordinal);
        // Like Vapi's extraction, only the fields the assistant's structured-data schema asks for.
        if (talked && Call.Plan.OptsOut && Asks("doNotCall"))
        {
            data["doNotCall"] = true;
            summary = $"{Persona} spoke with {who}. {FirstName} asked not to be called again.";
        }
        if (talked && Call.Plan.CallbackAfter is { } after && Asks("callbackAt"))
        {
            data["callbackAt"] = ((Call.EndedAt ?? DateTimeOffset.UtcNow) + after).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
            summary = $"{Persona} spoke with {who}. {FirstName} was busy and asked to be called back later.";
        }
        return new JsonObject
        {
            ["summary"] = summary,
            ["successEvaluation"] = success ? "true" : "false",
            ["structuredData"] = data,
        };
    }

    private bool Asks(string field)
        => Call.Assistant["analysisPlan"]?["structuredDataPlan"]?["schema"]?["properties"]?[field] is not null;

    /// <summary>Fills Liquid-style {{ name }} placeholders from variableValues (missing ones render empty, as in Liquid).</summary>
    private string? Render(string? template) => template is null
        ? null
        : Placeholder().Replace(template, m => m.Groups[1].Value switch
        {
            "customer.name" => CustomerName,
            "customer.number" => Call.CustomerNumber,
            var key => Call.VariableValues[key]?.ToString() ?? "",
        });

    private static string? First(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));

    [GeneratedRegex(@"\{\{\s*([\w\.]+)\s*\}\}")]
    private static partial Regex Placeholder();
}
