using System.Text.Json.Serialization;
using AutoLynx.Wire;

namespace AutoLynx.Features.Calls;

/// <summary>A call's state; the allowed moves are in <see cref="AutoLynx.Features.Engine.CallStateMachine"/>.</summary>
[JsonConverter(typeof(UpperSnakeEnumConverter<CallStatus>))]
public enum CallStatus
{
    /// <summary>Our row exists, POST /call not answered yet (or its answer was lost and a lookup will say).</summary>
    Launching,
    Queued,
    Ringing,
    InProgress,
    Ended,
    Failed,
    Canceled,
    Timeout,
}
