namespace AutoLynx.Features.Engine;

/// <summary>What a failed POST /call means for the call and its contact (read by <see cref="LaunchRefusals"/>).</summary>
public enum LaunchFailure
{
    /// <summary>The call may exist (timeout, 5xx, connection lost after sending): resolve by lookup, never POST blind.</summary>
    Ambiguous,
    /// <summary>"Over Concurrency Limit", in any of its shapes: the account, not the contact. Give back, lower the room.</summary>
    ConcurrencyLimit,
    /// <summary>429: Vapi refused before creating anything; hold every POST until Retry-After.</summary>
    RateLimited,
    /// <summary>401/403: the API key. Give back and pause the campaign.</summary>
    Auth,
    /// <summary>The campaign's assistant or phone line is gone. Give back and pause.</summary>
    MissingResource,
    /// <summary>The request was refused for this call (validation): fail it with Vapi's words.</summary>
    Rejected,
    /// <summary>The request never left (connection refused, name not resolved): certainly not created.</summary>
    NotSent,
    /// <summary>Vapi answered 2xx (the call exists) with a body we could not read: look it up, never give it back.</summary>
    CreatedUnreadable,
}
