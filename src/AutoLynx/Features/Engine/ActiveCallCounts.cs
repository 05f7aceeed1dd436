using System.Diagnostics;
using AutoLynx.Data;
using AutoLynx.Features.Calls;
using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Features.Engine;

/// <summary>
/// The leader's count of active calls (LAUNCHING, QUEUED, RINGING, IN_PROGRESS) per campaign, per phone line and over
/// the account, kept in memory so the dispatcher computes room without a GROUP BY per pass.
/// <para>
/// Safety rule: the count may be too high for a moment (fewer calls than allowed), never too low. So the dispatcher adds
/// its claims once their transaction has committed (it is the only writer that makes calls active, and it is also the
/// only reader that decides, on one loop), and a call that became terminal is taken off only after its transaction
/// committed (<see cref="EngineEffects"/>). Anything uncertain — a claim whose commit failed, a new lease
/// term, a count that would go negative — invalidates the counts, and the dispatcher rebuilds them from the database
/// before its next decision. It also rebuilds them every <see cref="ReconcileEvery"/>, which corrects any count left
/// too high.
/// </para>
/// <para>
/// A rebuild reads a snapshot. A release whose commit <em>started</em> after the snapshot was read is certainly not
/// in it and is applied; one whose commit started earlier may be in it and is ignored (too high at worst), and then
/// another rebuild is asked for soon.
/// </para>
/// </summary>
public sealed class ActiveCallCounts(ILogger<ActiveCallCounts> logger)
{
    public static readonly TimeSpan ReconcileEvery = TimeSpan.FromSeconds(10);
    /// <summary>How soon a rebuild follows one that had to ignore a release (its count may be one too high).</summary>
    public static readonly TimeSpan ReconcileSoon = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private readonly Dictionary<long, int> _campaigns = [];
    private readonly Dictionary<long, int> _lines = [];
    private int _account;
    private bool _valid;
    private long _term = -1;
    private long _snapshotAt;       // Stopwatch timestamp: the rebuild's query had returned by then
    private long _nextReconcileAt;  // Stopwatch timestamp
    private List<(long Campaign, long Line, long CommitStarted)>? _duringRebuild;

    /// <summary>True when the counts belong to lease term <paramref name="term"/> and no rebuild is due.</summary>
    public bool IsCurrent(long term)
    {
        lock (_lock) return _valid && _term == term && Stopwatch.GetTimestamp() < _nextReconcileAt;
    }

    /// <summary>How long until a rebuild is due (the dispatcher sleeps no longer than this).</summary>
    public TimeSpan UntilReconcile()
    {
        lock (_lock)
        {
            if (!_valid) return TimeSpan.Zero;
            var left = _nextReconcileAt - Stopwatch.GetTimestamp();
            return left <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(left / (double)Stopwatch.Frequency);
        }
    }

    public bool IsValid { get { lock (_lock) return _valid; } }

    /// <summary>Something made the counts uncertain: rebuild before the next decision.</summary>
    public void Invalidate()
    {
        lock (_lock) _valid = false;
    }

    /// <summary>Reads the counts from the database (on the dispatcher's loop, which is the only place claims are made).</summary>
    public async Task RebuildAsync(AppDbContext db, long term, CancellationToken ct)
    {
        lock (_lock) _duringRebuild = [];
        List<(long Campaign, long Line, int Count)> rows;
        try
        {
            var active = Call.ActiveStatuses;
            rows = (await db.Calls.AsNoTracking().Where(c => active.Contains(c.Status))
                    .GroupBy(c => new { c.CampaignId, c.PhoneLineId })
                    .Select(g => new { g.Key.CampaignId, g.Key.PhoneLineId, Count = g.Count() })
                    .ToListAsync(ct))
                .Select(x => (x.CampaignId, x.PhoneLineId, x.Count)).ToList();
        }
        catch
        {
            lock (_lock)
            {
                _duringRebuild = null;
                _valid = false;
            }
            throw;
        }
        var snapshotAt = Stopwatch.GetTimestamp();
        lock (_lock)
        {
            var before = _valid ? (_account, Campaigns: _campaigns.Count) : default;
            _campaigns.Clear();
            _lines.Clear();
            _account = 0;
            foreach (var (campaign, line, count) in rows)
            {
                _campaigns[campaign] = _campaigns.GetValueOrDefault(campaign) + count;
                _lines[line] = _lines.GetValueOrDefault(line) + count;
                _account += count;
            }
            _snapshotAt = snapshotAt;
            _term = term;
            _valid = true;
            var ignored = 0;
            foreach (var (campaign, line, started) in _duringRebuild!)
                if (started > snapshotAt) Decrement(campaign, line);
                else ignored++;
            _duringRebuild = null;
            _nextReconcileAt = snapshotAt + (long)((ignored > 0 ? ReconcileSoon : ReconcileEvery).TotalSeconds * Stopwatch.Frequency);
            if (before != default && before._account != _account)
                logger.LogDebug("Active call counts rebuilt: account {Before} → {After}", before._account, _account);
        }
    }

    public int Account { get { lock (_lock) return _account; } }
    public int Campaign(long id) { lock (_lock) return _campaigns.GetValueOrDefault(id); }
    public int Line(long id) { lock (_lock) return _lines.GetValueOrDefault(id); }

    /// <summary>A campaign certainly has no active call (the counts are valid and say 0; they are never too low).</summary>
    public bool CertainlyIdle(long campaignId)
    {
        lock (_lock) return _valid && _campaigns.GetValueOrDefault(campaignId) == 0;
    }

    /// <summary>The dispatcher's claim of <paramref name="n"/> calls committed.</summary>
    public void Claimed(long campaignId, long lineId, int n)
    {
        if (n <= 0) return;
        lock (_lock)
        {
            _campaigns[campaignId] = _campaigns.GetValueOrDefault(campaignId) + n;
            _lines[lineId] = _lines.GetValueOrDefault(lineId) + n;
            _account += n;
        }
    }

    /// <summary>A call of this campaign on this line became terminal in a transaction whose commit started at <paramref name="commitStarted"/>.</summary>
    public void Released(long campaignId, long lineId, long commitStarted)
    {
        lock (_lock)
        {
            _duringRebuild?.Add((campaignId, lineId, commitStarted));
            if (!_valid) return;
            if (commitStarted <= _snapshotAt)
            {
                // Maybe in the snapshot already: ignoring it leaves the count one too high at worst. Look again soon.
                var soon = Stopwatch.GetTimestamp() + (long)(ReconcileSoon.TotalSeconds * Stopwatch.Frequency);
                if (soon < _nextReconcileAt) _nextReconcileAt = soon;
                return;
            }
            Decrement(campaignId, lineId);
        }
    }

    private void Decrement(long campaignId, long lineId)
    {
        var c = _campaigns.GetValueOrDefault(campaignId);
        var l = _lines.GetValueOrDefault(lineId);
        if (c <= 0 || l <= 0 || _account <= 0)
        {
            // A release we never counted: the counts are wrong somewhere; rebuild rather than guess.
            logger.LogWarning("Active call counts out of step (campaign {CampaignId}, line {LineId}); rebuilding", campaignId, lineId);
            _valid = false;
            return;
        }
        _campaigns[campaignId] = c - 1;
        _lines[lineId] = l - 1;
        _account--;
    }
}
