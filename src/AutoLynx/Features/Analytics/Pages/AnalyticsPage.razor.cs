using AutoLynx.Components.Shared;
using AutoLynx.Features.Auth;
using AutoLynx.Features.Calls;
using AutoLynx.Features.Engine;
using AutoLynx.Wire;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace AutoLynx.Features.Analytics.Pages;

/// <summary>
/// Tiles, charts and the assistants side by side for a date range and filters, from <see cref="AnalyticsQueries"/>. The
/// range is in UTC days; the page refreshes a few seconds after calls change.
/// </summary>
public partial class AnalyticsPage
{
    [Inject] private IServiceScopeFactory Scopes { get; set; } = default!;
    [Inject] private CampaignEventHub Hub { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;
    [Inject] private AutoLynx.Hosting.VapiConnection Vapi { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;

    private Viewer? _viewer;
    private bool _isAdmin;
    private DateRange _range = new();
    private long? _campaignId, _assistantId, _lineId;
    private AnalyticsChoices _choices = new([], [], []);
    private AnalyticsReport? _report;
    private LiveRefresh? _live;
    private bool _hourly;

    private List<ChartSeries<double>> _overTime = [], _outcomes = [], _localHours = [];
    private string[] _overTimeLabels = [], _outcomeLabels = [];
    private static readonly string[] _hourLabels = Enumerable.Range(0, 24).Select(h => h % 3 == 0 ? $"{h:00}:00" : "").ToArray();
    private readonly BarChartOptions _barOptions = new() { ShowLegend = true, XAxisLabelRotation = 0 };
    private readonly BarChartOptions _percentOptions = new() { ShowLegend = false, YAxisFormat = "0'%'" };

    protected override async Task OnInitializedAsync()
    {
        _viewer = Viewer.From((await AuthState).User);
        _isAdmin = _viewer?.IsAdmin == true;
        var today = Time.GetUtcNow().UtcDateTime.Date;
        _range = new DateRange(today.AddDays(-29), today);
        await using (var scope = Scopes.CreateAsyncScope())
            _choices = await scope.ServiceProvider.GetRequiredService<AnalyticsQueries>().ChoicesAsync(_viewer?.OwnerFilter, CancellationToken.None);
        await LoadAsync();
        _live = new LiveRefresh(Hub, null, () => InvokeAsync(async () => { await LoadAsync(); StateHasChanged(); }), TimeSpan.FromSeconds(5));
    }

    private async Task LoadAsync()
    {
        if (_viewer is null) return;
        var from = DateTime.SpecifyKind((_range.Start ?? Time.GetUtcNow().UtcDateTime.AddDays(-29)).Date, DateTimeKind.Utc);
        var to = DateTime.SpecifyKind((_range.End ?? from).Date.AddDays(1), DateTimeKind.Utc);
        await using var scope = Scopes.CreateAsyncScope();
        var report = await scope.ServiceProvider.GetRequiredService<AnalyticsQueries>()
            .ReportAsync(new AnalyticsFilter(from, to, _campaignId, _assistantId, _lineId), _viewer.OwnerFilter, CancellationToken.None);
        _hourly = to - from <= TimeSpan.FromDays(2);
        BuildCharts(report, from, to);
        _report = report;
    }

    private void BuildCharts(AnalyticsReport r, DateTime from, DateTime to)
    {
        // Every hour or day of the range, so gaps show as gaps.
        var step = _hourly ? TimeSpan.FromHours(1) : TimeSpan.FromDays(1);
        var points = (_hourly ? r.PerHour : r.PerDay).ToDictionary(p => p.At);
        var slots = new List<DateTime>();
        for (var t = from; t < to; t += step) slots.Add(t);
        _overTimeLabels = slots.Select((t, i) => i % Math.Max(1, slots.Count / 10) == 0 ? (_hourly ? t.ToString("dd MMM HH:00") : t.ToString("dd MMM")) : "").ToArray();
        _overTime =
        [
            new ChartSeries<double> { Name = "Dialed", Data = new ChartData<double>(slots.Select(t => (double)(points.GetValueOrDefault(t)?.Dialed ?? 0)).ToArray()) },
            new ChartSeries<double> { Name = "Connected", Data = new ChartData<double>(slots.Select(t => (double)(points.GetValueOrDefault(t)?.Connected ?? 0)).ToArray()) },
        ];
        var outcomes = r.ByOutcome.ToList();
        _outcomeLabels = outcomes.Select(o => WireNames.TryParse<CallOutcome>(o.Key, out var oc) ? StatusStyles.Outcome(oc).Item1 : o.Key).ToArray();
        _outcomes = [new ChartSeries<double> { Name = "Calls", Data = new ChartData<double>(outcomes.Select(o => (double)o.Value).ToArray()) }];
        _localHours = [new ChartSeries<double> { Name = "Answer rate", Data = new ChartData<double>(r.AnswerRateByLocalHour.Select(p => Math.Round((p.AnswerRate ?? 0) * 100, 1)).ToArray()) }];
    }

    private sealed record Tile(string Id, string Label, string Value, string Note, string? Title = null);

    private IEnumerable<Tile> Tiles(AnalyticsReport r) =>
    [
        new("dialed", "Dialed", r.Dialed.ToString("N0"), r.Live > 0 ? $"{r.Live:N0} live now" : $"{r.Calls:N0} attempts recorded"),
        new("connected", "Connected", r.Connected.ToString("N0"), $"connect rate {Percent(r.ConnectRate)}"),
        new("success", "Success rate", Percent(r.SuccessRate), r.Evaluated > 0 ? $"of {r.Evaluated:N0} evaluated calls" : "no success evaluations"),
        Simulated(r.DurationP50) is { } p50
            ? new("duration", "Talk time (median)", $"{p50} simulated", $"{Seconds(r.DurationP50)} real · 90 % under {Simulated(r.DurationP90) ?? "—"} simulated",
                SimulatedTitle)
            : new("duration", "Talk time (median)", Seconds(r.DurationP50), $"90 % under {Seconds(r.DurationP90)}"),
        new("cost", "Total cost", Money(r.TotalCost), "Vapi's cost of these calls"),
        new("cost-per-call", "Cost per call", Money(r.CostPerCall), "per dialed call"),
        new("cost-per-connected", "Cost per connected", Money(r.CostPerConnected), "per person reached"),
        new("connect-rate", "Connect rate", Percent(r.ConnectRate), "of dialed calls that ended"),
    ];

    private static string Percent(double? r) => r is null ? "—" : $"{r.Value * 100:0.#} %";
    private static string Money(decimal? d) => d is null ? "—" : $"${d.Value:0.00##}";
    private static string Seconds(double? s) => s is null ? "—" : Durations.Clock(s.Value);

    /// <summary>Demo mode: about how long the compressed calls stand for (as the call page shows it); null with real Vapi.
    /// The figures keep whole seconds (floored), so the middle of that second is the estimate: at demo speed one real second
    /// is most of a simulated minute.</summary>
    private string? Simulated(double? seconds) => seconds is { } s && Vapi.SimulatedSeconds(s + 0.5) is { } simulated ? "≈ " + Durations.Clock(simulated) : null;

    private const string SimulatedTitle = "Demo mode compresses time: the simulated length is how long these conversations would have lasted; real is what the simulator's calls took.";

    /// <summary>An assistant's talk time p50 / p90: simulated lengths in demo mode (the real ones on hover).</summary>
    private string TalkTime(double? p50, double? p90)
        => Simulated(p50) is { } s50 ? $"{s50} / {Simulated(p90) ?? "—"} simulated" : $"{Seconds(p50)} / {Seconds(p90)}";

    private static RenderFragment Best(double? value, double? best, string text) => b =>
    {
        if (value is not null && value == best) { b.OpenElement(0, "b"); b.AddContent(1, text); b.CloseElement(); }
        else b.AddContent(2, text);
    };

    private async Task OnRangeAsync(DateRange range) { _range = range; await LoadAsync(); }
    private async Task OnCampaignAsync(long? id) { _campaignId = id; await LoadAsync(); }
    private async Task OnAssistantAsync(long? id) { _assistantId = id; await LoadAsync(); }
    private async Task OnLineAsync(long? id) { _lineId = id; await LoadAsync(); }

    public void Dispose() => _live?.Dispose();
}
