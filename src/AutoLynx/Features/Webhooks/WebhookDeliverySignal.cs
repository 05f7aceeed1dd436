using AutoLynx.Features.Engine;

namespace AutoLynx.Features.Webhooks;

/// <summary>Wakes the delivery worker (a redelivery, an endpoint enabled again) instead of waiting for its next poll.</summary>
public sealed class WebhookDeliverySignal : WakeSignal;
