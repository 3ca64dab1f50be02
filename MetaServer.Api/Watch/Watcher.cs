using System.Threading.Channels;

namespace MetaServer.Api.Watch;

/// <summary>
/// One watch's subscription to the hub: a bounded queue of the events under its key prefix. A watcher that
/// falls <see cref="WatchSettings.QueueCapacity"/> events behind is cut off (its queue is completed) instead of
/// holding up the writer or growing without bound; its client relists, as with the apiserver.
/// </summary>
internal sealed class Watcher
{
    private readonly Channel<WatchEvent> _events;
    private readonly CancellationTokenSource _cutOffSignal = new();
    private int _cutOff;

    public Watcher(string gvr, string keyPrefix, int capacity, bool wantsBookmarks)
    {
        Gvr = gvr;
        KeyPrefix = keyPrefix;
        WantsBookmarks = wantsBookmarks;
        _events = Channel.CreateBounded<WatchEvent>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = false, // the store's writer thread and the hub's bookmark timer
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public string Gvr { get; }

    public string KeyPrefix { get; }

    public bool WantsBookmarks { get; }

    public ChannelReader<WatchEvent> Events => _events.Reader;

    /// <summary>True once the watcher fell too far behind and was cut off.</summary>
    public bool CutOff => Volatile.Read(ref _cutOff) == 1;

    /// <summary>Cancelled when the watcher is cut off, so a handler stuck writing to a client that stopped reading lets go.</summary>
    public CancellationToken CutOffToken => _cutOffSignal.Token;

    /// <summary>Queues an event if it is under this watcher's prefix; says whether it was dropped, and if that cut the watcher off.</summary>
    public Offered Offer(WatchEvent watchEvent)
    {
        if (!watchEvent.Change.Key.StartsWith(KeyPrefix, StringComparison.Ordinal) || _events.Writer.TryWrite(watchEvent))
        {
            return Offered.Queued;
        }

        if (Interlocked.Exchange(ref _cutOff, 1) == 0)
        {
            _events.Writer.TryComplete();
            // Cancellation callbacks run on the thread pool, never on the store's writer thread that called us.
            _ = _cutOffSignal.CancelAsync();
            return Offered.CutOff;
        }

        return Offered.Dropped;
    }

    /// <summary>Asks for a bookmark at the watcher's next turn; skipped when its queue is full (it is behind anyway).</summary>
    public void RequestBookmark() => _events.Writer.TryWrite(WatchEvent.BookmarkTick);

    /// <summary>Ends the stream after what is queued (timeout, client gone, server shutdown).</summary>
    public void Close() => _events.Writer.TryComplete();
}

/// <summary>What became of an event offered to a watcher.</summary>
internal enum Offered
{
    /// <summary>Queued, or not under the watcher's prefix.</summary>
    Queued,

    /// <summary>Dropped: the watcher had already been cut off.</summary>
    Dropped,

    /// <summary>Dropped, and the watcher is cut off by it (its queue was full).</summary>
    CutOff,
}
