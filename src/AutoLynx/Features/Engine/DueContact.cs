namespace AutoLynx.Features.Engine;

/// <summary>The contact fields a launch needs, read in the claim transaction.</summary>
public sealed record DueContact(long Id, int Attempts, string Name, string BusinessName, string Phone, string? ExtraJson);
