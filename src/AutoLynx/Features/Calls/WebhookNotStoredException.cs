namespace AutoLynx.Features.Calls;

/// <summary>A webhook could not be stored durably: it must not be answered 2xx (the endpoint answers 503).</summary>
public sealed class WebhookNotStoredException(string message, Exception? inner) : Exception(message, inner);
