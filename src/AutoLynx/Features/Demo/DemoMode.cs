using AutoLynx.Data;
using AutoLynx.Hosting;

namespace AutoLynx.Features.Demo;

/// <summary>
/// Whether this run is a demo: the built-in Vapi simulator instead of Vapi, a demo admin, demo assistants, relaxed
/// cookies for plain http. Decided once, from configuration, before anything else is set up:
/// <list type="bullet">
/// <item><c>Demo:Enabled=true</c>: demo mode, asked for (on any database; tests set it for PostgreSQL). Refused together with a <c>Vapi:ApiKey</c>.</item>
/// <item><c>Demo:Enabled=false</c>: real calls; refused without a <c>Vapi:ApiKey</c>.</item>
/// <item>Not set: a <c>Vapi:ApiKey</c> means real calls. Without one, demo mode is implied on SQLite (what a newcomer's
/// <c>./scripts/run.sh</c> gets), where start-up then accepts only a demo-only database (<see cref="DemoDatabase"/>);
/// on PostgreSQL, a production database, the app refuses to start.</item>
/// </list>
/// </summary>
public sealed class DemoMode
{
    private DemoMode(bool on, bool asked)
    {
        On = on;
        Asked = asked;
    }

    public bool On { get; }

    /// <summary>Demo mode was asked for (<c>Demo:Enabled=true</c>) rather than implied by a missing key.</summary>
    public bool Asked { get; }

    public static DemoMode Decide(IConfiguration config)
    {
        var raw = config["Demo:Enabled"];
        bool? enabled = string.IsNullOrWhiteSpace(raw) ? null
            : bool.TryParse(raw, out var b) ? b
            : throw new StartRefusedException($"Demo:Enabled is \"{raw}\"; it must be true or false (or left unset).");
        var hasKey = !string.IsNullOrWhiteSpace(config["Vapi:ApiKey"]);
        switch (enabled)
        {
            case true when hasKey:
                throw new StartRefusedException(
                    "Demo:Enabled is true and Vapi:ApiKey is set. Demo mode places no real calls (it uses the built-in Vapi simulator) and would ignore the key: " +
                    "remove Demo:Enabled to call through Vapi, or remove Vapi:ApiKey to run the demo.");
            case true:
                return new DemoMode(on: true, asked: true);
            case false when !hasKey:
                throw new StartRefusedException(
                    "Demo:Enabled is false but Vapi:ApiKey is empty: AutoLynx needs your Vapi private API key to place real calls. " +
                    "Set Vapi:ApiKey (environment variable Vapi__ApiKey), or remove Demo:Enabled to run the demo.");
            case false:
                return new DemoMode(on: false, asked: false);
        }
        if (hasKey) return new DemoMode(on: false, asked: false);
        if (config.GetValue("Database:Provider", DatabaseProvider.Sqlite) == DatabaseProvider.Postgres)
            throw new StartRefusedException(
                "Vapi:ApiKey is empty and Database:Provider is Postgres. Without a key AutoLynx runs in demo mode: it places calls against its " +
                "built-in simulator and re-creates every assistant there, rewriting their Vapi ids in this database. It does not do that to a " +
                "PostgreSQL database by itself. Set Vapi:ApiKey (Vapi__ApiKey) to call through Vapi, or set Demo:Enabled=true to run the demo on this database anyway.");
        return new DemoMode(on: true, asked: false);
    }
}
