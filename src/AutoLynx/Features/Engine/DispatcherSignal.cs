namespace AutoLynx.Features.Engine;

/// <summary>Wakes the dispatcher at once (campaign started or resumed, call ended, cap changed) instead of waiting for the tick.</summary>
public sealed class DispatcherSignal : WakeSignal;
