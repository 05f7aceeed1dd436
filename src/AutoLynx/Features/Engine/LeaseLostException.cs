namespace AutoLynx.Features.Engine;

/// <summary>The leader no longer holds the engine lease: its write was rolled back and it must stop acting.</summary>
public sealed class LeaseLostException() : Exception("This instance no longer holds the engine lease; the write was rolled back.");
