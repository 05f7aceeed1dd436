namespace AutoLynx.Features.Engine;

/// <summary>How many calls one campaign may launch right now. Pure, so the rule is tested on its own.</summary>
public static class DispatchRoom
{
    /// <param name="campaignCap">The campaign's cap.</param>
    /// <param name="campaignActive">Its calls that are LAUNCHING, QUEUED, RINGING or IN_PROGRESS.</param>
    /// <param name="accountCap">The provider account's limit (config, lowered when Vapi reports a smaller one).</param>
    /// <param name="accountActive">Active calls over all campaigns.</param>
    /// <param name="lineMax">The phone line's max concurrent calls.</param>
    /// <param name="lineActive">Active calls on the line over all campaigns.</param>
    public static int Compute(int campaignCap, int campaignActive, int accountCap, int accountActive, int lineMax, int lineActive)
        => Math.Max(0, Math.Min(campaignCap - campaignActive, Math.Min(accountCap - accountActive, lineMax - lineActive)));

    /// <summary>
    /// Strict batch mode: the batch to dial is the lowest batch with contacts pending; it may start only when no call
    /// of an earlier batch is active. Returns the batch allowed now, or null to wait.
    /// </summary>
    public static int? BatchAllowed(int? lowestPendingBatch, int? highestActiveBatch)
    {
        if (lowestPendingBatch is not { } pending) return null;
        if (highestActiveBatch is { } active && active < pending) return null;
        return pending;
    }
}
