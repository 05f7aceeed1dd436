namespace AutoLynx.Features.Engine;

/// <summary>Wakes the inbox processor when a webhook is stored.</summary>
public sealed class WebhookInboxSignal : WakeSignal;
