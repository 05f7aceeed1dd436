using System.Text.Json.Serialization;
using AutoLynx.Wire;

namespace AutoLynx.Features.Campaigns;

/// <summary>A campaign's state; <see cref="CampaignService"/> makes every move.</summary>
[JsonConverter(typeof(UpperSnakeEnumConverter<CampaignStatus>))]
public enum CampaignStatus { Created, Queued, Dialing, Running, Paused, Stopped, Completed }
