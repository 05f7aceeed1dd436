namespace AutoLynx.VapiSimulator;

/// <summary>The result of asking for a concurrency slot.</summary>
internal readonly record struct Admission(bool Rejected, bool Blocked, int AttemptIndex, long Sequence, int Remaining, CancellationToken Generation);

internal enum WebhookResult
{
    Sent,
    Failed,
    Dropped,
    Duplicated,
    Skipped,
}

/// <summary>All calls plus the counters behind /_sim/stats. Lock order: a call's Gate may be held while taking the
/// store's lock, never the other way round.</summary>
internal sealed class CallStore : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SimCall> _visible = new(StringComparer.Ordinal);
    private readonly List<SimCall> _all = [];
    private readonly Dictionary<string, int> _callsByNumber = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _activeByPhone = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _maxByPhone = new(StringComparer.Ordinal);
    private CancellationTokenSource _generation = new();
    private int _active;
    private int _maxActive;
    private int _blocked;
    private int _rejected;
    private long _sequence;
    private long _sent;
    private long _failed;
    private long _dropped;
    private long _duplicated;
    private long _skipped;

    /// <summary>Counts the call towards the account and line limits, or reports that the limit is reached.</summary>
    public Admission Admit(string customerNumber, string phoneNumberId, int limit, bool rejectWhenFull)
    {
        lock (_gate)
        {
            var full = _active >= limit;
            if (full && rejectWhenFull)
            {
                _rejected++;
                return new Admission(true, false, 0, 0, 0, _generation.Token);
            }

            _callsByNumber.TryGetValue(customerNumber, out var previous);
            _callsByNumber[customerNumber] = previous + 1;
            var sequence = ++_sequence;
            if (full)
            {
                _blocked++;
                return new Admission(false, true, previous, sequence, 0, _generation.Token);
            }

            _active++;
            _maxActive = Math.Max(_maxActive, _active);
            _activeByPhone.TryGetValue(phoneNumberId, out var onLine);
            _activeByPhone[phoneNumberId] = ++onLine;
            _maxByPhone.TryGetValue(phoneNumberId, out var maxOnLine);
            _maxByPhone[phoneNumberId] = Math.Max(maxOnLine, onLine);
            return new Admission(false, false, previous, sequence, Math.Max(0, limit - _active), _generation.Token);
        }
    }

    public void Add(SimCall call)
    {
        lock (_gate)
        {
            if (call.Generation != _generation.Token)
            {
                return; // reset while it was being created
            }

            _visible[call.Id] = call;
            _all.Add(call);
        }
    }

    /// <summary>Frees the call's slot; called once when it ends.</summary>
    public void Release(SimCall call)
    {
        lock (_gate)
        {
            if (!call.HoldsSlot || call.Generation != _generation.Token)
            {
                return;
            }

            call.HoldsSlot = false;
            _active--;
            _activeByPhone[call.PhoneNumber.Id]--;
        }
    }

    public SimCall? Find(string id)
    {
        lock (_gate)
        {
            return _visible.GetValueOrDefault(id);
        }
    }

    /// <summary>DELETE /call/{id}: the call's data disappears from the API; a live call still runs to its end.</summary>
    public SimCall? Remove(string id)
    {
        lock (_gate)
        {
            if (_visible.Remove(id, out var call))
            {
                call.Deleted = true;
            }

            return call;
        }
    }

    /// <summary>Visible calls, newest first.</summary>
    public List<SimCall> Visible()
    {
        lock (_gate)
        {
            return _visible.Values.OrderByDescending(c => c.Sequence).ToList();
        }
    }

    /// <summary>Every call since the last reset, including deleted ones, oldest first.</summary>
    public List<SimCall> All()
    {
        lock (_gate)
        {
            return [.. _all];
        }
    }

    public void Count(WebhookResult result)
    {
        switch (result)
        {
            case WebhookResult.Sent: Interlocked.Increment(ref _sent); break;
            case WebhookResult.Failed: Interlocked.Increment(ref _failed); break;
            case WebhookResult.Dropped: Interlocked.Increment(ref _dropped); break;
            case WebhookResult.Duplicated: Interlocked.Increment(ref _duplicated); break;
            default: Interlocked.Increment(ref _skipped); break;
        }
    }

    public SimulatorStats Stats()
    {
        lock (_gate)
        {
            return new SimulatorStats(
                _maxActive,
                new Dictionary<string, int>(_maxByPhone),
                new Dictionary<string, int>(_callsByNumber),
                _active,
                (int)_sequence,
                _blocked,
                _rejected,
                new WebhookStats(
                    Interlocked.Read(ref _sent),
                    Interlocked.Read(ref _failed),
                    Interlocked.Read(ref _dropped),
                    Interlocked.Read(ref _duplicated),
                    Interlocked.Read(ref _skipped)));
        }
    }

    /// <summary>Forgets every call and counter and stops their flows and webhooks; assistants and numbers stay.</summary>
    public void Reset()
    {
        CancellationTokenSource old;
        lock (_gate)
        {
            old = _generation;
            _generation = new CancellationTokenSource();
            _visible.Clear();
            _all.Clear();
            _callsByNumber.Clear();
            _activeByPhone.Clear();
            _maxByPhone.Clear();
            _active = _maxActive = _blocked = _rejected = 0;
            _sequence = 0;
            Interlocked.Exchange(ref _sent, 0);
            Interlocked.Exchange(ref _failed, 0);
            Interlocked.Exchange(ref _dropped, 0);
            Interlocked.Exchange(ref _duplicated, 0);
            Interlocked.Exchange(ref _skipped, 0);
        }

        // Not disposed: calls of the old generation still hold its token.
        old.Cancel();
    }

    /// <summary>Stops every flow (host shutdown).</summary>
    public void CancelAll()
    {
        lock (_gate)
        {
            _generation.Cancel();
        }
    }

    public void Dispose()
    {
        CancelAll();
        _generation.Dispose();
    }
}
