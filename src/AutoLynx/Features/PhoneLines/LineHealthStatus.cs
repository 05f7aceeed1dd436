namespace AutoLynx.Features.PhoneLines;

/// <summary>How a phone line is doing, judged by <see cref="LineHealthRules"/>. On the wire: <c>healthy</c>, <c>degraded</c>, <c>failing</c>.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(AutoLynx.Wire.KebabEnumConverter<LineHealthStatus>))]
public enum LineHealthStatus { Healthy, Degraded, Failing }
