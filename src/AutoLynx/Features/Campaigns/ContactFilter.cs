using AutoLynx.Components.Shared;
using AutoLynx.Features.Calls;
using AutoLynx.Features.Contacts;
using AutoLynx.Wire;

namespace AutoLynx.Features.Campaigns;

/// <summary>
/// Which of a campaign's contacts to take (re-run, duplicate): those whose last call amounted to one of
/// <see cref="Outcomes"/>, and with <see cref="NotCalled"/> those never called (nothing placed, or Vapi never took the
/// call). No value at all: every contact.
/// </summary>
public sealed class ContactFilter
{
    /// <summary>The wire value for "never called", next to the outcomes' own names (<c>no-answer</c>, <c>busy</c>…).</summary>
    public const string NotCalledValue = "not-called";

    /// <summary>Outcomes that mean the call never reached the phone network: the contact counts as not called.</summary>
    private static readonly CallOutcome?[] NeverPlaced = [null, CallOutcome.NotPlaced, CallOutcome.ConcurrencyLimited];

    /// <summary>True when a contact with this last outcome was never really called.</summary>
    public static bool IsNeverPlaced(CallOutcome? lastOutcome) => NeverPlaced.Contains(lastOutcome);

    /// <summary>The wire value a contact's last outcome falls under: an outcome's name, or <see cref="NotCalledValue"/>.</summary>
    public static string GroupOf(CallOutcome? lastOutcome) => IsNeverPlaced(lastOutcome) ? NotCalledValue : WireNames.Kind(lastOutcome!.Value);

    public IReadOnlyList<CallOutcome> Outcomes { get; }
    public bool NotCalled { get; }
    public bool All => Outcomes.Count == 0 && !NotCalled;

    public ContactFilter(IReadOnlyList<CallOutcome> outcomes, bool notCalled) => (Outcomes, NotCalled) = (outcomes, notCalled);

    public static ContactFilter Parse(IReadOnlyList<string>? values, out string? error)
    {
        error = null;
        var outcomes = new List<CallOutcome>();
        var notCalled = false;
        foreach (var raw in values ?? [])
        {
            if (string.Equals(raw?.Trim(), NotCalledValue, StringComparison.OrdinalIgnoreCase)) notCalled = true;
            else if (WireNames.TryParse<CallOutcome>(raw, out var o)) { if (!outcomes.Contains(o)) outcomes.Add(o); }
            else
            {
                error = $"Unknown outcome \"{raw}\"; use {NotCalledValue} or one of {WireNames.KindList<CallOutcome>()}.";
                break;
            }
        }
        return new ContactFilter(outcomes, notCalled);
    }

    public IQueryable<Contact> Apply(IQueryable<Contact> contacts)
    {
        if (All) return contacts;
        var outcomes = Outcomes.Select(o => (CallOutcome?)o).ToList();
        var neverPlaced = NeverPlaced.ToList();
        var dialing = ContactState.Dialing;
        if (!NotCalled) return contacts.Where(c => outcomes.Contains(c.LastOutcome));
        // A contact being dialled now is not "not called": its call may connect any moment.
        return contacts.Where(c => outcomes.Contains(c.LastOutcome) || (neverPlaced.Contains(c.LastOutcome) && c.State != dialing));
    }

    /// <summary>"whose last call was no answer or busy", "that was never called", for messages.</summary>
    public string Describe()
    {
        if (All) return "exists";
        var words = Outcomes.Select(o => StatusStyles.Outcome(o).Item1.ToLowerInvariant()).ToList();
        var parts = new List<string>();
        if (words.Count > 0) parts.Add($"had a last call ending in {string.Join(" or ", words)}");
        if (NotCalled) parts.Add("was never called");
        return string.Join(" or ", parts);
    }
}
