using System.Text.Json.Serialization;
using AutoLynx.Wire;

namespace AutoLynx.Features.Campaigns;

/// <summary>Continuous refills a slot the moment a call ends; batch starts batch N+1 only when batch N is all done.</summary>
[JsonConverter(typeof(KebabEnumConverter<DialMode>))]
public enum DialMode { Continuous, Batch }
