namespace AutoLynx.Features.Assistants;

public enum AssistantSource { Local, Imported, Template }

/// <summary>An assistant of the directory; its configuration lives on Vapi, a copy is kept here.</summary>
public sealed class Assistant
{
    public long Id { get; set; }
    public required string ProviderAssistantId { get; set; }
    public required string Name { get; set; }
    public AssistantSource Source { get; set; }
    /// <summary>The Vapi assistant JSON as last written or read.</summary>
    public string ConfigJson { get; set; } = "{}";
    public bool Active { get; set; } = true;
    public string? CreatedBy { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    /// <summary>When the copy was last compared with Vapi's.</summary>
    public DateTime? SyncedAt { get; set; }
    /// <summary>Removed from the directory (soft delete: finished campaigns still point at it). Importing the same
    /// Vapi id again brings it back.</summary>
    public DateTime? DeletedAt { get; set; }
    public long Version { get; set; }
}
