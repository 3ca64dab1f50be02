namespace MetaServer.Api.Watch;

/// <summary>
/// One commit's changes of one resource type, in revision order, queued as one unit to every watcher of that type:
/// a watcher wakes once per commit, not once per change, and writes what it can of it in one go.
/// </summary>
internal sealed class WatchBatch(WatchEvent[] events)
{
    private byte[]? _jsonLines;

    /// <summary>Queued by the hub's bookmark timer: "write a bookmark if you are caught up"; carries no change.</summary>
    public static WatchBatch BookmarkTick { get; } = new([]);

    public bool IsBookmarkTick => ReferenceEquals(this, BookmarkTick);

    public WatchEvent[] Events => events;

    /// <summary>
    /// Every event of the batch as JSON watch-event lines of their own types, framed once by the first watcher
    /// that sends the batch whole and shared by every other.
    /// </summary>
    public byte[] JsonLines => Volatile.Read(ref _jsonLines) ?? FrameJsonLines();

    // Watchers on other threads may race to frame it; they build the same bytes and all but one are dropped.
    private byte[] FrameJsonLines()
    {
        var length = 0;
        foreach (var watchEvent in events)
        {
            length += watchEvent.JsonLine.Length;
        }

        var lines = new byte[length];
        var at = 0;
        foreach (var watchEvent in events)
        {
            watchEvent.JsonLine.CopyTo(lines, at);
            at += watchEvent.JsonLine.Length;
        }

        return Interlocked.CompareExchange(ref _jsonLines, lines, null) ?? lines;
    }
}
