namespace AutoLynx.E2E;

/// <summary>
/// The "first hour in the UI" browser tests (issue 12) share one app and run one class after another: two cores do not
/// carry several apps and browsers at once, and the shared data is part of what they check (an admin sees everyone's).
/// </summary>
[CollectionDefinition(Name)]
public sealed class FirstHourCollection : ICollectionFixture<E2EFixture>
{
    public const string Name = "first hour";
}
