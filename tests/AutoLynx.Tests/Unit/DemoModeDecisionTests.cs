using AutoLynx.Features.Demo;
using AutoLynx.Hosting;
using Microsoft.Extensions.Configuration;

namespace AutoLynx.Tests.Unit;

/// <summary>The demo-mode decision from configuration alone (the database check comes at start-up: DemoModeTests).</summary>
public sealed class DemoModeDecisionTests
{
    private static IConfiguration Config(string? key, string? enabled, string provider = "Sqlite")
        => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Vapi:ApiKey"] = key, ["Demo:Enabled"] = enabled, ["Database:Provider"] = provider,
        }).Build();

    [Theory]
    [InlineData(null, null, "Sqlite", true, false)]       // a newcomer: demo, implied
    [InlineData("", "", "Sqlite", true, false)]
    [InlineData("key", null, "Sqlite", false, false)]     // a key: real calls
    [InlineData("key", null, "Postgres", false, false)]
    [InlineData("key", "false", "Postgres", false, false)]
    [InlineData(null, "true", "Postgres", true, true)]    // asked for, also on PostgreSQL
    [InlineData(null, "True", "Sqlite", true, true)]
    public void Decide_Configuration_DemoModeOrNot(string? key, string? enabled, string provider, bool on, bool asked)
    {
        var mode = DemoMode.Decide(Config(key, enabled, provider));
        Assert.Equal(on, mode.On);
        Assert.Equal(asked, mode.Asked);
    }

    [Theory]
    [InlineData(null, null, "Postgres", "Vapi:ApiKey is empty and Database:Provider is Postgres")]
    [InlineData(null, "false", "Sqlite", "Demo:Enabled is false but Vapi:ApiKey is empty")]
    [InlineData("key", "true", "Sqlite", "Demo:Enabled is true and Vapi:ApiKey is set")]
    [InlineData(null, "yes", "Sqlite", "Demo:Enabled is \"yes\"; it must be true or false")]
    public void Decide_ContradictoryOrUnsafe_RefusesSayingWhatToSet(string? key, string? enabled, string provider, string message)
    {
        var ex = Assert.Throws<StartRefusedException>(() => DemoMode.Decide(Config(key, enabled, provider)));
        Assert.Contains(message, ex.Message);
    }
}
