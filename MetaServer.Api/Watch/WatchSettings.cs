namespace MetaServer.Api.Watch;

/// <summary>Watch and change-log settings (section "Watch").</summary>
public sealed class WatchSettings
{
    public const string Section = "Watch";

    /// <summary>Events a watcher may have waiting; past this it is cut off and relists (never unbounded memory).</summary>
    public int QueueCapacity { get; set; } = 1024;

    /// <summary>How often a watcher that asked for bookmarks gets one.</summary>
    public TimeSpan BookmarkInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A watch without timeoutSeconds ends after a random time between this and twice this (like --min-request-timeout).</summary>
    public TimeSpan MinTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Changes kept for resuming watches: at most this many ...</summary>
    public int HistoryMaxChanges { get; set; } = 100_000;

    /// <summary>... and none older than this.</summary>
    public TimeSpan HistoryMaxAge { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often the change log is compacted.</summary>
    public TimeSpan CompactionInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Most changes dropped in one compaction transaction, so writers never wait long behind it.</summary>
    public int CompactionStep { get; set; } = 1000;

    /// <summary>
    /// Kestrel's sockets run request and response continuations on the thread that completed the socket operation
    /// (a thread-pool thread) instead of hopping through its I/O queues: a watcher's flush reaches the socket in
    /// the same work item. Safe here because no handler blocks on a transport thread of its own.
    /// </summary>
    public bool InlineSocketScheduling { get; set; } = true;

    internal string? Validate() =>
        QueueCapacity < 16 ? "Watch:QueueCapacity must be at least 16"
        : BookmarkInterval <= TimeSpan.Zero ? "Watch:BookmarkInterval must be positive"
        : MinTimeout < TimeSpan.FromSeconds(1) ? "Watch:MinTimeout must be at least one second"
        : HistoryMaxChanges < 1 ? "Watch:HistoryMaxChanges must be positive"
        : HistoryMaxAge <= TimeSpan.Zero ? "Watch:HistoryMaxAge must be positive"
        : CompactionInterval <= TimeSpan.Zero ? "Watch:CompactionInterval must be positive"
        : CompactionStep < 1 ? "Watch:CompactionStep must be positive"
        : null;
}
