using System.Text.Json;
using System.Text.Json.Serialization;

namespace AutoLynx.Wire;

/// <summary>Kinds and outcomes travel as kebab-case strings: <c>no-answer</c>, <c>failed-to-connect</c>, <c>batch</c>.</summary>
public sealed class KebabEnumConverter<T>() : JsonStringEnumConverter<T>(WireNames.KindPolicy, allowIntegerValues: false)
    where T : struct, Enum;
