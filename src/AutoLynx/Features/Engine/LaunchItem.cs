namespace AutoLynx.Features.Engine;

/// <summary>Everything needed to place one call, read in the claim transaction; <see cref="Term"/> is the lease term that claimed it.</summary>
public sealed record LaunchItem(long CallId, string LaunchKey, DateTime CreatedAt, long CampaignId, string ProviderAssistantId, string ProviderPhoneNumberId,
    long PhoneLineId, long ContactId, string Name, string BusinessName, string Phone, string? ExtraJson, long Term = 0);
