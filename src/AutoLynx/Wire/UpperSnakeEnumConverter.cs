using System.Text.Json;
using System.Text.Json.Serialization;

namespace AutoLynx.Wire;

/// <summary>States (campaign, call, contact) travel as SCREAMING_SNAKE strings: <c>IN_PROGRESS</c>, <c>COMPLETED</c>.</summary>
public sealed class UpperSnakeEnumConverter<T>() : JsonStringEnumConverter<T>(WireNames.StatePolicy, allowIntegerValues: false)
    where T : struct, Enum;
