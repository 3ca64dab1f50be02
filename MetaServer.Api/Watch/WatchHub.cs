using System.Collections.Concurrent;
using MetaServer.Data;

namespace MetaServer.Api.Watch;

/// <summary>
/// The fan-out of committed changes to watchers. The store's writer calls <see cref="OnCommitted"/> after each
/// commit, in revision order, whoever made the change; each change becomes one shared <see cref="WatchEvent"/>
/// offered to the watchers of its resource type. Offering never blocks: a full watcher is cut off.
/// </summary>
internal sealed partial class WatchHub : IChangeObserver, IDisposable
{
    private readonly ConcurrentDictionary<string, Watcher[]> _byGvr = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly ILogger<WatchHub> _logger;
    private readonly Timer _bookmarks;
    private long _lastPublished;
    private long _cutOffs;
    private long _dropped;
    private long _sent;
    private int _active;
    private bool _closed;

    public WatchHub(SqliteStore store, Microsoft.Extensions.Options.IOptions<WatchSettings> settings, ILogger<WatchHub> logger)
    {
        _logger = logger;
        _lastPublished = store.CurrentRevision;
        // One timer for all watchers: a bookmark request is queued like an event, so a waiting watcher needs no
        // timer or cancellation registration of its own (measured: those per-wait registrations cost fan-out).
        var interval = settings.Value.BookmarkInterval;
        _bookmarks = new Timer(_ => RequestBookmarks(), null, interval, interval);
    }

    /// <summary>Every change up to this revision has been offered to every watcher subscribed before it.</summary>
    public long LastPublishedRevision => Interlocked.Read(ref _lastPublished);

    /// <summary>Watchers cut off for falling behind, since start.</summary>
    public long CutOffCount => Interlocked.Read(ref _cutOffs);

    public int ActiveWatchers => Volatile.Read(ref _active);

    /// <summary>Events written to watch streams, and events not delivered because their watcher was cut off, since start.</summary>
    public (long Sent, long Dropped) Events => (Interlocked.Read(ref _sent), Interlocked.Read(ref _dropped));

    /// <summary>Counts events a watch stream has written (called once per flush, not per event).</summary>
    public void CountSent(long events)
    {
        if (events > 0)
        {
            Interlocked.Add(ref _sent, events);
        }
    }

    public Watcher Subscribe(string gvr, string keyPrefix, int capacity, bool wantsBookmarks = false)
    {
        var watcher = new Watcher(gvr, keyPrefix, capacity, wantsBookmarks);
        lock (_gate)
        {
            if (_closed)
            {
                watcher.Close();
                return watcher;
            }

            _byGvr[gvr] = [.. _byGvr.GetValueOrDefault(gvr, []), watcher];
            _active++;
        }

        return watcher;
    }

    public void Unsubscribe(Watcher watcher)
    {
        lock (_gate)
        {
            if (_byGvr.TryGetValue(watcher.Gvr, out var watchers) && Array.IndexOf(watchers, watcher) >= 0)
            {
                _byGvr[watcher.Gvr] = Array.FindAll(watchers, w => !ReferenceEquals(w, watcher));
                _active--;
            }
        }
    }

    public void OnCommitted(IReadOnlyList<CommittedChange> changes)
    {
        // Each resource type's changes of this commit become one batch, offered to each of its watchers once.
        var dropped = 0L;
        for (var first = 0; first < changes.Count; first++)
        {
            var gvr = changes[first].Gvr;
            if (!_byGvr.TryGetValue(gvr, out var watchers) || watchers.Length == 0 || IsEarlierType(changes, first, gvr))
            {
                continue;
            }

            var events = new List<WatchEvent>(changes.Count - first);
            for (var i = first; i < changes.Count; i++)
            {
                if (string.Equals(changes[i].Gvr, gvr, StringComparison.Ordinal))
                {
                    events.Add(new WatchEvent(changes[i]));
                }
            }

            var batch = new WatchBatch([.. events]);
            foreach (var watcher in watchers)
            {
                switch (watcher.Offer(batch, out var count))
                {
                    case Offered.CutOff:
                        dropped += count;
                        Interlocked.Increment(ref _cutOffs);
                        Log.CutOff(_logger, watcher.Gvr, watcher.KeyPrefix, events[^1].Revision);
                        break;
                    case Offered.Dropped:
                        dropped += count;
                        break;
                }
            }
        }

        if (dropped > 0)
        {
            Interlocked.Add(ref _dropped, dropped);
        }

        // Published only after every watcher has its events: a watcher with an empty queue is caught up to here.
        Interlocked.Exchange(ref _lastPublished, changes[^1].Revision);
    }

    // True when a change before this one was of the same type: its batch has been offered already.
    private static bool IsEarlierType(IReadOnlyList<CommittedChange> changes, int index, string gvr)
    {
        for (var i = 0; i < index; i++)
        {
            if (string.Equals(changes[i].Gvr, gvr, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private void RequestBookmarks()
    {
        foreach (var watchers in _byGvr.Values)
        {
            foreach (var watcher in watchers)
            {
                if (watcher.WantsBookmarks)
                {
                    watcher.RequestBookmark();
                }
            }
        }
    }

    public void Dispose() => _bookmarks.Dispose();

    /// <summary>Ends every watch cleanly (server shutdown); later subscriptions end at once.</summary>
    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
            foreach (var watchers in _byGvr.Values)
            {
                foreach (var watcher in watchers)
                {
                    watcher.Close();
                }
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 200, Level = LogLevel.Warning, Message = "Watcher of {Gvr} under {Prefix} fell behind at revision {Revision} and was cut off; its client will relist")]
        public static partial void CutOff(ILogger logger, string gvr, string prefix, long revision);
    }
}
