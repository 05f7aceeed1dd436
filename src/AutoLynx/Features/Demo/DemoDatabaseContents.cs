namespace AutoLynx.Features.Demo;

/// <summary>What <see cref="DemoDatabase.InspectAsync"/> found, before migrations.</summary>
public enum DemoDatabaseContents
{
    /// <summary>Not migrated yet, or migrated but holding no allowlisted person, assistant, phone line or campaign.</summary>
    Fresh,

    /// <summary>Carries the <see cref="DemoMarker"/>: begun by a demo run and never started with a Vapi key since.</summary>
    DemoOnly,

    /// <summary>Anything else: it may hold real data, and demo mode implied by a missing key refuses it.</summary>
    Other,
}
