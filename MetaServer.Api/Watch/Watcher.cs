using System.Threading.Channels;

namespace MetaServer.Api.Watch;

/// <summary>
/// One watch's subscription to the hub: a queue of the commits (<see cref="WatchBatch"/>es) of its resource type
/// that carry events under its key prefix. A watcher that falls <see cref="WatchSettings.QueueCapacity"/> events
/// behind is cut off (its queue is completed) instead of holding up the writer or growing without bound; its
/// client relists, as with the apiserver.
/// </summary>
internal sealed class Watcher
{
    // Unbounded as a channel, bounded by _queued: the events under the prefix in the batches waiting.
    private readonly Channel<WatchBatch> _batches = Channel.CreateUnbounded<WatchBatch>(new UnboundedChannelOptions
    {
        SingleReader = true,
        SingleWriter = false, // the store's writer thread and the hub's bookmark timer
    });

    private readonly CancellationTokenSource _cutOffSignal = new();
    private readonly int _capacity;
    private int _queued;
    private int _tickQueued;
    private int _cutOff;

    public Watcher(string gvr, string keyPrefix, int capacity, bool wantsBookmarks)
    {
        Gvr = gvr;
        KeyPrefix = keyPrefix;
        WantsBookmarks = wantsBookmarks;
        _capacity = capacity;
    }

    public string Gvr { get; }

    public string KeyPrefix { get; }

    public bool WantsBookmarks { get; }

    public ChannelReader<WatchBatch> Batches => _batches.Reader;

    /// <summary>True once the watcher fell too far behind and was cut off.</summary>
    public bool CutOff => Volatile.Read(ref _cutOff) == 1;

    /// <summary>Cancelled when the watcher is cut off, so a handler stuck writing to a client that stopped reading lets go.</summary>
    public CancellationToken CutOffToken => _cutOffSignal.Token;

    /// <summary>True when the event is under this watcher's prefix (the hub offers every event of the type).</summary>
    public bool Wants(WatchEvent watchEvent) => watchEvent.Change.Key.StartsWith(KeyPrefix, StringComparison.Ordinal);

    /// <summary>
    /// Queues a commit's events if any is under this watcher's prefix; says whether they were dropped, and if that
    /// cut the watcher off. <paramref name="events"/> is how many of them are this watcher's.
    /// </summary>
    public Offered Offer(WatchBatch batch, out int events)
    {
        events = 0;
        foreach (var watchEvent in batch.Events)
        {
            if (Wants(watchEvent))
            {
                events++;
            }
        }

        if (events == 0)
        {
            return Offered.Queued;
        }

        // A watcher with nothing waiting takes a commit of any size (one delete-collection can exceed the capacity);
        // memory stays bounded by the capacity plus that one shared batch.
        var waiting = Interlocked.Add(ref _queued, events);
        if ((waiting <= _capacity || waiting == events) && _batches.Writer.TryWrite(batch))
        {
            return Offered.Queued;
        }

        if (Interlocked.Exchange(ref _cutOff, 1) == 0)
        {
            _batches.Writer.TryComplete();
            // Cancellation callbacks run on the thread pool, never on the store's writer thread that called us.
            _ = _cutOffSignal.CancelAsync();
            return Offered.CutOff;
        }

        return Offered.Dropped;
    }

    /// <summary>No event waits for this watcher: every batch offered to it has been taken and handled.</summary>
    public bool CaughtUp => Volatile.Read(ref _queued) == 0;

    /// <summary>The reader has handled this many of its events: room for as many more.</summary>
    public void Took(int events) => Interlocked.Add(ref _queued, -events);

    /// <summary>Asks for a bookmark at the watcher's next turn; skipped when one is already asked for or the queue is full (it is behind anyway).</summary>
    public void RequestBookmark()
    {
        if (Volatile.Read(ref _queued) < _capacity && Interlocked.Exchange(ref _tickQueued, 1) == 0 && !_batches.Writer.TryWrite(WatchBatch.BookmarkTick))
        {
            Volatile.Write(ref _tickQueued, 0);
        }
    }

    /// <summary>The reader has taken the bookmark request from the queue.</summary>
    public void TookBookmarkTick() => Volatile.Write(ref _tickQueued, 0);

    /// <summary>Ends the stream after what is queued (timeout, client gone, server shutdown).</summary>
    public void Close() => _batches.Writer.TryComplete();
}

/// <summary>What became of events offered to a watcher.</summary>
internal enum Offered
{
    /// <summary>Queued, or none under the watcher's prefix.</summary>
    Queued,

    /// <summary>Dropped: the watcher had already been cut off.</summary>
    Dropped,

    /// <summary>Dropped, and the watcher is cut off by them (its queue was full).</summary>
    CutOff,
}
