using System.Globalization;

namespace AutoLynx.FaultBench;

/// <summary>Command-line settings; every fault rate can be changed, the defaults are the figures.</summary>
public sealed record BenchSettings
{
    public int Campaigns { get; init; } = 10;
    public int ContactsPerCampaign { get; init; } = 1000;
    /// <summary>Per campaign; the campaigns together ask for more than the account and the lines allow, so every cap binds.</summary>
    public int CampaignCap { get; init; } = 8;
    public int AccountCap { get; init; } = 40;
    /// <summary>Two phone lines (campaigns alternate), each allowed this many calls at once.</summary>
    public int LineCap { get; init; } = 30;
    public int Kills { get; init; } = 5;
    public double TimeScale { get; init; } = 0.01;
    public int Seed { get; init; } = 16;
    public double Rate500AfterCreate { get; init; } = 0.05;
    public double RateLateCreate { get; init; } = 0.05;
    public double RateTimeoutAfterCreate { get; init; } = 0.05;
    public double RateDuplicateWebhook { get; init; } = 0.10;
    public double RateReorderWebhook { get; init; } = 0.10;
    public double RateDropWebhook { get; init; } = 0.05;
    /// <summary>429s outside the storms.</summary>
    public double Rate429 { get; init; } = 0.01;
    /// <summary>During a storm, this share of every API request is answered 429.</summary>
    public double StormRate429 { get; init; } = 0.6;
    public double StormSeconds { get; init; } = 3;
    public double StormEverySeconds { get; init; } = 15;
    /// <summary>Webhooks held back and flushed together once a second.</summary>
    public double RateBurst { get; init; } = 0.02;
    /// <summary>The run is given up (and judged as it stands) after this long.</summary>
    public double MaxMinutes { get; init; } = 20;
    public bool KeepDatabase { get; init; }
    /// <summary>App settings for both instances, over the bench's own (<c>--app Dialer:StuckAfter=00:10:00</c>): to see the verdict fail.</summary>
    public Dictionary<string, string> AppOverrides { get; init; } = [];

    public int TotalContacts => Campaigns * ContactsPerCampaign;

    public static BenchSettings Parse(string[] args)
    {
        var s = new BenchSettings();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Int() => int.Parse(Next(), CultureInfo.InvariantCulture);
            double Dbl() => double.Parse(Next(), CultureInfo.InvariantCulture);
            s = args[i] switch
            {
                "--campaigns" => s with { Campaigns = Int() },
                "--contacts" => s with { ContactsPerCampaign = Int() },
                "--campaign-cap" => s with { CampaignCap = Int() },
                "--account-cap" => s with { AccountCap = Int() },
                "--line-cap" => s with { LineCap = Int() },
                "--kills" => s with { Kills = Int() },
                "--time-scale" => s with { TimeScale = Dbl() },
                "--seed" => s with { Seed = Int() },
                "--rate-500-after-create" => s with { Rate500AfterCreate = Dbl() },
                "--rate-late-create" => s with { RateLateCreate = Dbl() },
                "--rate-timeout" => s with { RateTimeoutAfterCreate = Dbl() },
                "--rate-duplicate" => s with { RateDuplicateWebhook = Dbl() },
                "--rate-reorder" => s with { RateReorderWebhook = Dbl() },
                "--rate-drop" => s with { RateDropWebhook = Dbl() },
                "--rate-429" => s with { Rate429 = Dbl() },
                "--storm-rate-429" => s with { StormRate429 = Dbl() },
                "--storm-seconds" => s with { StormSeconds = Dbl() },
                "--storm-every" => s with { StormEverySeconds = Dbl() },
                "--rate-burst" => s with { RateBurst = Dbl() },
                "--max-minutes" => s with { MaxMinutes = Dbl() },
                "--keep-database" => s with { KeepDatabase = true },
                "--app" => Override(s, Next()),
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }
        if (s.TotalContacts > 80_000) throw new ArgumentException("at most 80,000 contacts (eight area codes of 10,000 numbers)");
        return s;
    }

    private static BenchSettings Override(BenchSettings s, string setting)
    {
        var eq = setting.IndexOf('=');
        if (eq <= 0) throw new ArgumentException($"--app wants Key=Value, got {setting}");
        s.AppOverrides[setting[..eq].Replace(":", "__")] = setting[(eq + 1)..];
        return s;
    }

    public override string ToString() => Describe() +
        (AppOverrides.Count == 0 ? "" : "; app settings " + string.Join(", ", AppOverrides.Select(o => $"{o.Key}={o.Value}")));

    private string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{Campaigns} campaigns × {ContactsPerCampaign} contacts, caps campaign {CampaignCap} / line {LineCap} (2 lines) / account {AccountCap}, " +
        $"{Kills} leader kills, time scale {TimeScale}, seed {Seed}; faults: 500-after-create {Rate500AfterCreate:P0}, late create {RateLateCreate:P0}, " +
        $"timeout {RateTimeoutAfterCreate:P0}, duplicate {RateDuplicateWebhook:P0}, reorder {RateReorderWebhook:P0}, drop {RateDropWebhook:P0}, " +
        $"burst {RateBurst:P0}, 429 {Rate429:P0} with storms of {StormRate429:P0} for {StormSeconds} s every {StormEverySeconds} s");
}
