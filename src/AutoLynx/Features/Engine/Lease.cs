namespace AutoLynx.Features.Engine;

/// <summary>Lease row: the one instance that holds it runs the background work.</summary>
public sealed class Lease
{
    public required string Name { get; set; }
    public required string Owner { get; set; }
    public DateTime ExpiresAt { get; set; }
}
