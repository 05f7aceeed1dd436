using NodaTime;
using NodaTime.Text;

namespace AutoLynx.Features.Compliance;

/// <summary>Daily hours on some days of the week, in local time; <see cref="To"/> is exclusive.</summary>
public sealed record DailyHours(IReadOnlySet<IsoDayOfWeek> Days, LocalTime From, LocalTime To)
{
    public static readonly IReadOnlySet<IsoDayOfWeek> EveryDay = Enum.GetValues<IsoDayOfWeek>().Where(d => d != IsoDayOfWeek.None).ToHashSet();

    public static DailyHours Of(CallingWindow w) => new(w.Days.Select(Day).ToHashSet(), Time(w.From), Time(w.To));

    public static DailyHours Of(HoursRule r) => new(EveryDay, Time(r.From), Time(r.To));

    /// <summary>Both at once: the days both allow, the later start and the earlier end (null when they never overlap).</summary>
    public DailyHours? Intersect(DailyHours other)
    {
        var days = Days.Intersect(other.Days).ToHashSet();
        var from = From > other.From ? From : other.From;
        var to = To < other.To ? To : other.To;
        return days.Count == 0 || to <= from ? null : new DailyHours(days, from, to);
    }

    public bool Contains(LocalDateTime t) => Days.Contains(t.DayOfWeek) && t.TimeOfDay >= From && t.TimeOfDay < To;

    private static LocalTime Time(string s) => LocalTimePattern.CreateWithInvariantCulture("HH:mm").Parse(s).GetValueOrThrow();

    private static IsoDayOfWeek Day(string d) => d switch
    {
        "mon" => IsoDayOfWeek.Monday, "tue" => IsoDayOfWeek.Tuesday, "wed" => IsoDayOfWeek.Wednesday, "thu" => IsoDayOfWeek.Thursday,
        "fri" => IsoDayOfWeek.Friday, "sat" => IsoDayOfWeek.Saturday, "sun" => IsoDayOfWeek.Sunday,
        _ => throw new ArgumentException($"Unknown day {d}", nameof(d)),
    };
}

/// <summary>
/// Whether a contact may be called at an instant, and if not, the first instant it may: every time zone the contact may
/// be in must be inside its hours at once (where a number maps to several zones, all of them; where the file names a
/// zone too, that one as well). Computed with NodaTime's time-zone rules, so the days clocks change are right: a
/// window opening at 02:30 on a spring-forward day opens at 03:00, and an hour that happens twice is open both times.
/// </summary>
public static class CallingHours
{
    /// <summary>How far ahead the search for an opening looks; a window that opens less often than that is reported as never.</summary>
    public static readonly Duration Horizon = Duration.FromDays(15);

    /// <returns>Null when no opening is found within <see cref="Horizon"/>; <paramref name="now"/> itself when open now.</returns>
    public static Instant? NextOpening(Instant now, IReadOnlyList<(DateTimeZone Zone, DailyHours Hours)> rules)
    {
        if (rules.Count == 0) return now;
        var candidate = now;
        var limit = now + Horizon;
        while (candidate <= limit)
        {
            var latest = candidate;
            foreach (var (zone, hours) in rules)
            {
                var local = candidate.InZone(zone).LocalDateTime;
                if (hours.Contains(local)) continue;
                var opens = NextLocalOpening(local, hours);
                if (opens is null) return null;
                var at = FirstAfter(zone, opens.Value, candidate);
                if (at > latest) latest = at;
            }
            if (latest == candidate) return candidate;
            candidate = latest;
        }
        return null;
    }

    /// <summary>
    /// The first instant after <paramref name="after"/> at which the zone's clock reads <paramref name="local"/>: on a
    /// spring-forward day a skipped time maps to the moment the clock jumps (02:30 → 03:00); on a fall-back day a time
    /// that happens twice maps to whichever of the two is still ahead.
    /// </summary>
    private static Instant FirstAfter(DateTimeZone zone, LocalDateTime local, Instant after)
    {
        var mapping = zone.MapLocal(local);
        if (mapping.Count == 0) return mapping.LateInterval.Start;
        var earlier = mapping.First().ToInstant();
        if (earlier > after) return earlier;
        var later = mapping.Last().ToInstant();
        return later > after ? later : after + Duration.FromMinutes(1);
    }

    private static LocalDateTime? NextLocalOpening(LocalDateTime local, DailyHours hours)
    {
        for (var d = 0; d <= 8; d++)
        {
            var date = local.Date.PlusDays(d);
            if (!hours.Days.Contains(date.DayOfWeek)) continue;
            var opens = date + hours.From;
            if (opens > local) return opens;
        }
        return null;
    }
}
