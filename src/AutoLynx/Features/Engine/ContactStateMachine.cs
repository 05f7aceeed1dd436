using AutoLynx.Features.Calls;
using AutoLynx.Features.Contacts;

namespace AutoLynx.Features.Engine;

/// <summary>
/// The allowed moves of a contact, in one place. Pure; <see cref="EngineTransitions"/> consults it for every change.
/// <code>
/// PENDING → DIALING                      claimed: a call row is written before the POST
/// PENDING → SKIPPED                      not called on purpose (campaign stopped)
/// DIALING → PENDING                      given back: Vapi never created the call (the attempt does not count)
/// DIALING → COMPLETED | FAILED           its call ended (and it has no other live call)
/// COMPLETED ↔ FAILED                     the provider's final word on its latest call corrects the first
/// any → DIALING                          the provider reports a live call we thought was not placed
/// </code>
/// </summary>
public static class ContactStateMachine
{
    public enum Move { Claim, Skip, GiveBack, Settle, Revive }

    public static bool CanMove(ContactState from, Move move) => move switch
    {
        Move.Claim => from == ContactState.Pending,
        Move.Skip => from == ContactState.Pending,
        Move.GiveBack => from == ContactState.Dialing,
        Move.Settle => from is ContactState.Dialing or ContactState.Completed or ContactState.Failed,
        Move.Revive => true,
        _ => false,
    };

    /// <summary>The states a move may start from (for set-based updates: <c>WHERE state IN (…)</c>).</summary>
    public static ContactState[] From(Move move) => Enum.GetValues<ContactState>().Where(s => CanMove(s, move)).ToArray();

    /// <summary>Where a contact goes when its call ended with <paramref name="outcome"/>.</summary>
    public static ContactState Settled(CallOutcome outcome) => CallOutcomes.IsCompletion(outcome) ? ContactState.Completed : ContactState.Failed;
}
