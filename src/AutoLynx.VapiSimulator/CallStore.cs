namespace AutoLynx.VapiSimulator;

/// <summary>The result of registering a new call: its place in the customer's history and whether it got a slot.</summary>
internal readonly record struct Admission(bool Rejected, bool Blocked, int AttemptIndex, long Sequence, int Remaining, CancellationToken Generation);

internal enum WebhookResult
{
    Sent,
    Failed,
    Dropped,
    Duplicated,
    Reordered,
    BurstHeld,
    Retried,
    Skipped,
}

internal enum FaultKind
{
    RateLimited,
    SlowResponse,
    Error500BeforeCreate,
    Error500AfterCreate,
    TimeoutAfterCreate,
    NeverEnds,
    LateCreate,
    GarbledCreate,
    GetCallError,
}

/// <summary>All calls plus the counters behind /_sim/stats. Lock order: a call's Gate may be held while taking the
/// store's lock, never the other way round.</summary>
internal sealed class CallStore(SimulatorOptions options) : IDisposable
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
    private readonly Dictionary<string, int> _endedReasons = new(StringComparer.Ordinal);
    private readonly long[] _webhooks = new long[Enum.GetValues<WebhookResult>().Length];
    private readonly long[] _faults = new long[Enum.GetValues<FaultKind>().Length];
    private long _pendingWebhooks;
    private int _forgotten;
    private long _listRequests;

    /// <summary>A GET /call (list) was answered: tests see that a client looked, e.g. line-quiet gating asking.</summary>
    public void CountListRequest() => Interlocked.Increment(ref _listRequests);

    /// <summary>Counts the call towards the account and line limits, or reports that the limit is reached. A scheduled
    /// call is only registered: it takes its slot when it is dialled (<see cref="TakeSlot"/>).</summary>
    public Admission Admit(string customerNumber, string phoneNumberId, int limit, bool rejectWhenFull, bool scheduled = false)
    {
        lock (_gate)
        {
            var full = _active >= limit;
            if (full && rejectWhenFull && !scheduled)
            {
                _rejected++;
                return new Admission(true, false, 0, 0, 0, _generation.Token);
            }

            _callsByNumber.TryGetValue(customerNumber, out var previous);
            _callsByNumber[customerNumber] = previous + 1;
            var sequence = ++_sequence;
            if (scheduled)
            {
                return new Admission(false, false, previous, sequence, Math.Max(0, limit - _active), _generation.Token);
            }

            if (full)
            {
                _blocked++;
                return new Admission(false, true, previous, sequence, 0, _generation.Token);
            }

            Occupy(phoneNumberId);
            return new Admission(false, false, previous, sequence, Math.Max(0, limit - _active), _generation.Token);
        }
    }

    /// <summary>A scheduled call is being dialled: takes a slot, or counts it as blocked when the limit is reached.</summary>
    public bool TakeSlot(SimCall call, int limit)
    {
        lock (_gate)
        {
            if (call.Generation != _generation.Token)
            {
                return false;
            }

            if (_active >= limit)
            {
                _blocked++;
                return false;
            }

            Occupy(call.PhoneNumber.Id);
            call.HoldsSlot = true;
            return true;
        }
    }

    private void Occupy(string phoneNumberId)
    {
        _active++;
        _maxActive = Math.Max(_maxActive, _active);
        _activeByPhone.TryGetValue(phoneNumberId, out var onLine);
        _activeByPhone[phoneNumberId] = ++onLine;
        _maxByPhone.TryGetValue(phoneNumberId, out var maxOnLine);
        _maxByPhone[phoneNumberId] = Math.Max(maxOnLine, onLine);
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
            if (_all.Count > options.MaxRetainedCalls)
            {
                ForgetOldestEnded(_all.Count - options.MaxRetainedCalls * 9 / 10);
            }
        }
    }

    /// <summary>Drops up to <paramref name="count"/> of the oldest ended calls (in batches, so the O(n) pass is rare).</summary>
    private void ForgetOldestEnded(int count)
    {
        var forgotten = 0;
        _all.RemoveAll(call =>
        {
            if (forgotten >= count || !call.IsEnded)
            {
                return false;
            }

            forgotten++;
            _visible.Remove(call.Id);
            return true;
        });
        _forgotten += forgotten;
    }

    /// <summary>Frees the call's slot and counts its ended reason; called once when it ends.</summary>
    public void Release(SimCall call, string endedReason)
    {
        lock (_gate)
        {
            if (call.Generation != _generation.Token)
            {
                return;
            }

            _endedReasons.TryGetValue(endedReason, out var ended);
            _endedReasons[endedReason] = ended + 1;
            if (!call.HoldsSlot)
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

    public void Count(WebhookResult result) => Interlocked.Increment(ref _webhooks[(int)result]);

    /// <summary>A webhook entered a delivery chain (or was held back); <see cref="WebhookDone"/> when it leaves.</summary>
    public void WebhookQueued(SimCall call)
    {
        if (call.Generation == _generation.Token)
        {
            Interlocked.Increment(ref _pendingWebhooks);
        }
    }

    public void WebhookDone(SimCall call)
    {
        if (call.Generation == _generation.Token)
        {
            Interlocked.Decrement(ref _pendingWebhooks);
        }
    }

    public void Count(FaultKind fault) => Interlocked.Increment(ref _faults[(int)fault]);

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
                _all.Count,
                _forgotten,
                new Dictionary<string, int>(_endedReasons),
                new WebhookStats(
                    Read(_webhooks, WebhookResult.Sent),
                    Read(_webhooks, WebhookResult.Failed),
                    Read(_webhooks, WebhookResult.Dropped),
                    Read(_webhooks, WebhookResult.Duplicated),
                    Read(_webhooks, WebhookResult.Reordered),
                    Read(_webhooks, WebhookResult.BurstHeld),
                    Read(_webhooks, WebhookResult.Retried),
                    Read(_webhooks, WebhookResult.Skipped),
                    Interlocked.Read(ref _pendingWebhooks)),
                new FaultStats(
                    Read(_faults, FaultKind.RateLimited),
                    Read(_faults, FaultKind.SlowResponse),
                    Read(_faults, FaultKind.Error500BeforeCreate),
                    Read(_faults, FaultKind.Error500AfterCreate),
                    Read(_faults, FaultKind.TimeoutAfterCreate),
                    Read(_faults, FaultKind.NeverEnds),
                    Read(_faults, FaultKind.LateCreate),
                    Read(_faults, FaultKind.GarbledCreate),
                    Read(_faults, FaultKind.GetCallError)),
                Interlocked.Read(ref _listRequests));
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
            _active = _maxActive = _blocked = _rejected = _forgotten = 0;
            _listRequests = 0;
            _sequence = 0;
            _endedReasons.Clear();
            Interlocked.Exchange(ref _pendingWebhooks, 0);
            for (var i = 0; i < _webhooks.Length; i++)
            {
                Interlocked.Exchange(ref _webhooks[i], 0);
            }

            for (var i = 0; i < _faults.Length; i++)
            {
                Interlocked.Exchange(ref _faults[i], 0);
            }
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

    private static long Read(long[] counters, WebhookResult result) => Interlocked.Read(ref counters[(int)result]);

    private static long Read(long[] counters, FaultKind fault) => Interlocked.Read(ref counters[(int)fault]);

    public void Dispose()
    {
        CancelAll();
        _generation.Dispose();
    }
}
