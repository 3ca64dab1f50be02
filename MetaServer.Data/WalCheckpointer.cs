using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using SQLitePCL;

namespace MetaServer.Data;

/// <summary>
/// Copies the write-ahead log into the database file on a thread of its own, so the writer only appends to the log
/// and syncs it. SQLite's automatic checkpoint runs on the connection that commits: every ~1,000 pages the writer
/// stopped to read them back from the log, write them into the file and sync it, and under load that was about a
/// quarter of its commit time. The writer signals each commit (<see cref="Committed"/>); the checkpointer then runs a
/// PASSIVE checkpoint (it never blocks the writer or a reader, and copies what no reader still needs), at most one
/// every <see cref="Interval"/>. The writer keeps SQLite's own checkpoint as a backstop at
/// <see cref="BackstopPages"/> pages, should this thread ever fall behind.
/// </summary>
internal sealed partial class WalCheckpointer : IDisposable
{
    /// <summary>The writer's own automatic checkpoint, kept only as a backstop: ~40 MB of log.</summary>
    public const int BackstopPages = 10_000;

    /// <summary>The least time between two checkpoints: commits that come faster share one.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(10);

    private readonly SqliteConnection _connection;
    private readonly ILogger _logger;
    private readonly AutoResetEvent _signal = new(false);
    private readonly Thread _thread;
    private volatile bool _stopping;

    public WalCheckpointer(SqliteStore store, ILogger logger)
    {
        _logger = logger;
        _connection = store.OpenWriterConnection();
        _thread = new Thread(Run) { IsBackground = true, Name = "EdgeMeta WAL checkpointer" };
        _thread.Start();
    }

    /// <summary>The writer committed: there is log to copy.</summary>
    public void Committed() => _signal.Set();

    private void Run()
    {
        var db = _connection.Handle!;
        var failing = raw.SQLITE_OK;
        while (true)
        {
            _signal.WaitOne();
            if (_stopping)
            {
                return;
            }

            var rc = raw.sqlite3_wal_checkpoint_v2(db, "main", raw.SQLITE_CHECKPOINT_PASSIVE, out _, out _);
            // BUSY: another checkpoint (the writer's backstop) holds the lock; the next commit's signal tries again.
            // A failure is logged when it starts (or changes), not at every commit while it lasts.
            if (rc is not (raw.SQLITE_OK or raw.SQLITE_BUSY) && rc != failing)
            {
                Log.Failed(_logger, rc, raw.sqlite3_errmsg(db).utf8_to_string());
            }

            failing = rc == raw.SQLITE_BUSY ? failing : rc;

            Thread.Sleep(Interval);
        }
    }

    /// <summary>Stops after the checkpoint in progress; the last connection to close checkpoints what is left.</summary>
    public void Dispose()
    {
        _stopping = true;
        _signal.Set();
        _thread.Join();
        _connection.Dispose();
        _signal.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "A WAL checkpoint failed (SQLite {Code}: {Error}); the next commit tries again")]
        public static partial void Failed(ILogger logger, int code, string error);
    }
}
