using System.Text.Json.Serialization;
using AutoLynx.Wire;

namespace AutoLynx.Features.Calls;

/// <summary>What kind of change a <see cref="CampaignChange"/> reports.</summary>
[JsonConverter(typeof(KebabEnumConverter<ChangeKind>))]
public enum ChangeKind { Created, Updated, Deleted, Status, Call }
