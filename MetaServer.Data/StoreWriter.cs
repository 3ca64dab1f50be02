using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using MetaServer.Domain.Kubernetes;
using MetaServer.Domain.Selection;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using SQLitePCL;

namespace MetaServer.Data;

/// <summary>
/// The one writer. Writes queue here (bounded: a full queue makes submitters wait) and are committed in
/// batches: one transaction for every write waiting, each write decided against the state its predecessors
/// left, every change given the next revision. A submitter hears back only after its batch is durable;
/// observers hear of the batch after the commit, in revision order.
/// </summary>
public sealed partial class StoreWriter : IAsyncDisposable
{
    // An object's JSON is stored once, in the change that wrote it (migration 4): meta_v2 points at it by revision.
    private const string SelectCurrent = """
        SELECT m.resource_version, m.upstream_resource_version, m.labels, m.fields, c.value
        FROM meta_v2 m JOIN changes c ON c.revision = m.resource_version WHERE m.key = $key
        """;

    // What a put decided without the stored object needs of it: the JSON's length only (octet_length reads the
    // record header, not the overflow page holding most of a ~3 KB object), so its bytes are read only to compare.
    private const string SelectShape = """
        SELECT m.resource_version, m.upstream_resource_version, m.labels, m.fields, octet_length(c.value)
        FROM meta_v2 m JOIN changes c ON c.revision = m.resource_version WHERE m.key = $key
        """;

    private const string Upsert = """
        INSERT INTO meta_v2 (key, gvr, namespace, name, resource_version, upstream_resource_version, labels, fields)
        VALUES ($key, $gvr, $namespace, $name, $rv, $urv, $labels, $fields)
        ON CONFLICT (key) DO UPDATE SET
            resource_version = excluded.resource_version,
            upstream_resource_version = excluded.upstream_resource_version,
            labels = excluded.labels,
            fields = excluded.fields
        """;

    private const string DeleteObject = "DELETE FROM meta_v2 WHERE key = $key";

    private const string InsertChange = """
        INSERT INTO changes (revision, key, gvr, namespace, name, type, prev_revision, labels, fields, value, committed_at)
        VALUES ($revision, $key, $gvr, $namespace, $name, $type, $prev, $labels, $fields, $value, $at)
        """;

    private const string UpdateState = "UPDATE store_state SET revision = $revision WHERE id = 1";

    // Compacting (from, upTo] drops what no state from upTo on needs: each change's predecessor (the change it
    // replaced is no key's newest at upTo any more) and the deletions themselves (a deleted key has no state).
    // What stays at or below upTo is, per key, its newest change there: the state a snapshot at upTo reads.
    private const string DeleteChanges = """
        DELETE FROM changes WHERE revision IN (
            SELECT prev_revision FROM changes WHERE revision > $from AND revision <= $upTo AND prev_revision > 0
            UNION ALL
            SELECT revision FROM changes WHERE revision > $from AND revision <= $upTo AND type = 'DELETED')
        """;

    private const string UpdateCompacted = "UPDATE store_state SET compacted_revision = $upTo WHERE id = 1 AND compacted_revision < $upTo";

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly SqliteStore _store;
    private readonly IReadOnlyList<IChangeObserver> _observers;
    private readonly ILogger<StoreWriter> _logger;
    private readonly Channel<PendingWork> _queue;
    private readonly Task _loop;

    public StoreWriter(SqliteStore store, IEnumerable<IChangeObserver> observers, ILogger<StoreWriter> logger)
    {
        _store = store;
        _observers = observers.ToArray();
        _logger = logger;
        _queue = Channel.CreateBounded<PendingWork>(new BoundedChannelOptions(store.Options.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _loop = Task.Factory.StartNew(RunAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    private long _batches;
    private long _units;
    private long _commitTicks;

    /// <summary>Transactions committed and the units (writes, commands) they held: their ratio is the group-commit size.</summary>
    public (long Batches, long Units) Committed => (Interlocked.Read(ref _batches), Interlocked.Read(ref _units));

    /// <summary>Time spent running and committing transactions (commands and fsync included), summed over all of them.</summary>
    public TimeSpan CommitTime => System.Diagnostics.Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _commitTicks));

    /// <summary>Queues a write and completes once it is committed (or refused).</summary>
    public async Task<WriteResult> WriteAsync(ObjectWrite write, CancellationToken cancellationToken = default)
    {
        var pending = new PendingWrite(write);
        await _queue.Writer.WriteAsync(pending, cancellationToken).ConfigureAwait(false);
        // Once queued, the write is committed or refused whatever the caller does: wait for the verdict.
        return await pending.Completion.Task.ConfigureAwait(false);
    }

    /// <summary>
    /// Queues a write without waiting for room or for the verdict: the returned task completes after the commit.
    /// False when the queue is full (the caller waits with <see cref="WriteAsync"/> instead).
    /// </summary>
    public bool TryQueue(ObjectWrite write, out Task<WriteResult> verdict)
    {
        var pending = new PendingWrite(write);
        verdict = pending.Completion.Task;
        return _queue.Writer.TryWrite(pending);
    }

    /// <summary>Queues several writes and completes when all are decided; they may share transactions.</summary>
    public async Task<WriteResult[]> WriteAllAsync(IReadOnlyList<ObjectWrite> writes, CancellationToken cancellationToken = default)
    {
        var pending = new PendingWrite[writes.Count];
        for (var i = 0; i < writes.Count; i++)
        {
            pending[i] = new PendingWrite(writes[i]);
            await _queue.Writer.WriteAsync(pending[i], cancellationToken).ConfigureAwait(false);
        }

        var results = new WriteResult[pending.Length];
        for (var i = 0; i < pending.Length; i++)
        {
            results[i] = await pending[i].Completion.Task.ConfigureAwait(false);
        }

        return results;
    }

    /// <summary>
    /// Runs <paramref name="command"/> inside the writer's transaction, after every write queued before it, and
    /// completes with its result once that transaction is durable. What the command writes commits atomically: if
    /// it throws, its writes are rolled back (the rest of the batch still commits) and the task fails with that
    /// exception (<see cref="CommandRejectedException"/> to refuse with a Status).
    /// </summary>
    public async Task<T> ExecuteAsync<T>(Func<IWriteTransaction, T> command, CancellationToken cancellationToken = default)
    {
        var pending = new PendingCommand<T>(command);
        await _queue.Writer.WriteAsync(pending, cancellationToken).ConfigureAwait(false);
        return await pending.Completion.Task.ConfigureAwait(false);
    }

    /// <summary>
    /// Queues a command, waiting only for room in the queue (so commands queued one after another run in that
    /// order), and returns the task of its result, which completes after the commit.
    /// </summary>
    /// <param name="rerunnable">
    /// The command is a function of the transaction alone (no effect outside it, nothing it captured changed), so it
    /// may be run again after its first run was rolled back. A batch of such commands runs without a savepoint per
    /// unit; if one of them fails, the batch is rolled back and run again with a savepoint each.
    /// </param>
    public async ValueTask<Task<T>> QueueAsync<T>(Func<IWriteTransaction, T> command, bool rerunnable = false, CancellationToken cancellationToken = default)
    {
        var pending = new PendingCommand<T>(command) { Rerunnable = rerunnable };
        if (!_queue.Writer.TryWrite(pending))
        {
            await _queue.Writer.WriteAsync(pending, cancellationToken).ConfigureAwait(false);
        }

        return pending.Completion.Task;
    }

    /// <summary>Like <see cref="ExecuteAsync{T}"/>, but false without queuing when the queue is full.</summary>
    public bool TryExecute<T>(Func<IWriteTransaction, T> command, out Task<T> result)
    {
        var pending = new PendingCommand<T>(command);
        result = pending.Completion.Task;
        return _queue.Writer.TryWrite(pending);
    }

    /// <summary>
    /// Drops the change log up to and including <paramref name="upToRevision"/> in one short transaction queued
    /// with the writes (callers compact in small steps so no writer waits long). Returns the new compaction point.
    /// </summary>
    public async Task<long> CompactAsync(long upToRevision, CancellationToken cancellationToken = default)
    {
        await ExecuteAsync(tx => ((Transaction)tx).Compact(upToRevision), cancellationToken).ConfigureAwait(false);
        return _store.CompactedRevision;
    }

    /// <summary>Forgets the receipts of messages processed before <paramref name="before"/>; returns how many.</summary>
    public Task<int> PruneReceiptsAsync(DateTimeOffset before, CancellationToken cancellationToken = default) =>
        ExecuteAsync(tx => ((Transaction)tx).PruneReceipts(before.ToUnixTimeMilliseconds()), cancellationToken);

    private async Task RunAsync()
    {
        using var connection = _store.OpenWriterConnection();
        // The log is copied into the file by the checkpointer's thread; the writer's own checkpoint is a backstop.
        raw.sqlite3_wal_autocheckpoint(connection.Handle!, WalCheckpointer.BackstopPages);
        using var checkpointer = new WalCheckpointer(_store, _logger);
        using var statements = new Statements(connection);
        var batch = new List<PendingWork>(_store.Options.MaxBatch);
        var receipts = LoadReceipts(connection);
        var tx = new Transaction(this, statements, new ArrayBufferWriter<byte>(16 * 1024), receipts);
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < _store.Options.MaxBatch && reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            tx.Begin(_store.CurrentRevision, _store.CompactedRevision, now);
            try
            {
                // A batch of rerunnable units runs bare first: a savepoint per unit is ~10–15% of the writer's time.
                if (!batch.TrueForAll(p => p.Rerunnable) || !TryCommitBare(connection, statements, tx, batch))
                {
                    tx.Begin(_store.CurrentRevision, _store.CompactedRevision, now);
                    using var transaction = connection.BeginTransaction();
                    foreach (var pending in batch)
                    {
                        RunOne(statements, tx, pending);
                    }

                    if (tx.Changes.Count > 0)
                    {
                        statements.UpdateState.Set("$revision", tx.Revision).Execute();
                    }

                    transaction.Commit();
                }

                if (tx.Changes.Count > 0 && _logger.IsEnabled(LogLevel.Debug))
                {
                    // When the changes became durable (changes.committed_at is when their transaction began).
                    Log.Committed(_logger, tx.Changes[0].Revision, tx.Revision,
                        (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).TotalMilliseconds.ToString("F3", System.Globalization.CultureInfo.InvariantCulture));
                }

                receipts.Commit();
                checkpointer.Committed();
                _store.Advance(tx.Revision);
                _store.Compacted(tx.CompactedTo);
                Interlocked.Increment(ref _batches);
                Interlocked.Add(ref _units, batch.Count);
                Interlocked.Add(ref _commitTicks, System.Diagnostics.Stopwatch.GetTimestamp() - started);
            }
            catch (Exception ex)
            {
                // The transaction rolled back: nothing of this batch is stored, so nobody is told it is.
                Log.BatchFailed(_logger, batch.Count, ex);
                foreach (var pending in batch)
                {
                    pending.Fail(ex);
                }

                continue;
            }

            if (tx.Changes.Count > 0)
            {
                Publish(tx.Changes);
            }

            foreach (var pending in batch)
            {
                pending.Complete();
            }
        }
    }

    // Runs and commits the batch with no savepoints; false, with everything rolled back, if a unit failed.
    private static bool TryCommitBare(SqliteConnection connection, Statements statements, Transaction tx, List<PendingWork> batch)
    {
        using var transaction = connection.BeginTransaction();
        try
        {
            foreach (var pending in batch)
            {
                pending.Run(tx);
            }
        }
        catch (Exception)
        {
            transaction.Rollback();
            return false;
        }

        if (tx.Changes.Count > 0)
        {
            statements.UpdateState.Set("$revision", tx.Revision).Execute();
        }

        transaction.Commit();
        return true;
    }

    // Each unit runs inside a savepoint, so one that fails (a SQL error, a command that throws) is undone alone.
    private void RunOne(Statements statements, Transaction tx, PendingWork pending)
    {
        var revision = tx.Revision;
        var changeCount = tx.Changes.Count;
        var compactedTo = tx.CompactedTo;
        var receipts = tx.Receipts.Staged;
        statements.Savepoint.Execute();
        try
        {
            pending.Run(tx);
            statements.Release.Execute();
        }
        catch (Exception ex)
        {
            statements.RollbackToSavepoint.Execute();
            statements.Release.Execute();
            tx.Undo(revision, changeCount, compactedTo, receipts);
            if (ex is not CommandRejectedException)
            {
                Log.UnitFailed(_logger, ex);
            }

            pending.Refused(ex);
        }
    }

    // The receipts kept findable: the newest, read newest first and added oldest first (only their hashes are kept).
    private ReceiptIndex LoadReceipts(SqliteConnection connection)
    {
        var capacity = _store.Options.ReceiptCapacity;
        var newest = new List<(long Seq, ulong Key, long At)>();
        using (var select = connection.CreateCommand())
        {
            select.CommandText = "SELECT seq, msg_id, processed_at FROM message_receipts ORDER BY seq DESC LIMIT $capacity";
            select.Parameters.AddWithValue("$capacity", capacity);
            using var rows = select.ExecuteReader();
            while (rows.Read())
            {
                newest.Add((rows.GetInt64(0), ReceiptIndex.KeyOf(rows.GetString(1)), rows.GetInt64(2)));
            }
        }

        var index = new ReceiptIndex(capacity);
        for (var i = newest.Count - 1; i >= 0; i--)
        {
            index.Load(newest[i].Seq, newest[i].Key, newest[i].At);
        }

        return index;
    }

    private WriteResult Apply(Transaction tx, ObjectWrite write)
    {
        if (write.Prepared is { } independent)
        {
            return ApplyPut(tx, write, independent);
        }

        var statements = tx.Statements;
        var buffer = tx.Buffer;
        var current = ReadCurrent(statements, write.Key, out var currentLabels, out var currentFields);
        Mutation decision;
        try
        {
            decision = write.Mutate(current);
        }
        catch (Exception ex)
        {
            // A mutator is the caller's code: its failure refuses that one write, never the writer.
            Log.MutationFailed(_logger, write.Key, ex);
            return new WriteResult.Rejected(KubeStatus.InternalError(ex.Message));
        }

        switch (decision)
        {
            case Mutation.Reject reject:
                return new WriteResult.Rejected(reject.Status);

            case Mutation.Put put:
                // Serialized once, with a slot for the revision: compared with the stored bytes around the slot
                // to find a no-op, then the revision spliced in (no second serialization for an update).
                return ApplyPrepared(tx, write, current, currentLabels, currentFields,
                    PreparedObject.From(put.Object, write.Type, buffer), put.UpstreamResourceVersion);

            case Mutation.PutPrepared prepared:
                return ApplyPrepared(tx, write, current, currentLabels, currentFields, prepared.Object, prepared.UpstreamResourceVersion);

            case Mutation.Delete when current is null:
                return new WriteResult.Rejected(KubeStatus.NotFound(write.Type.Group, write.Type.Resource, write.Name));

            case Mutation.Delete when write.DryRun:
                return new WriteResult.WouldCommit(current, ChangeType.Deleted);

            case Mutation.Delete:
                {
                    var revision = ++tx.Revision;
                    // The deleted object carries the deletion's revision, as the apiserver's does.
                    var last = JsonNode.Parse(current.Value)!.AsObject();
                    if (last["metadata"] is JsonObject metadata)
                    {
                        metadata["resourceVersion"] = revision.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    }

                    var value = Serialize(last, buffer).ToArray();
                    statements.Delete.Set("$key", write.Key).Execute();
                    var change = new CommittedChange(revision, ChangeType.Deleted, write.Key, write.Type.Gvr, write.Namespace,
                        write.Name, value, currentLabels, currentFields, currentLabels, currentFields);
                    RecordChange(statements, change, current.ResourceVersion, tx.Now);
                    tx.Changes.Add(change);
                    return new WriteResult.Committed(new StoredObject(write.Key, revision, current.UpstreamResourceVersion, value), ChangeType.Deleted);
                }

            default:
                throw new InvalidOperationException($"unknown mutation {decision.GetType().Name}");
        }
    }

    // A put that does not depend on the stored object (ObjectWrite.Put): only a put that could leave it unchanged
    // (same upstream version, same length) reads the stored bytes to compare; any other commits without them.
    private static WriteResult ApplyPut(Transaction tx, ObjectWrite write, Mutation.PutPrepared put)
    {
        var shape = tx.Statements.SelectShape.Set("$key", write.Key);
        if (!shape.Read())
        {
            return ApplyPrepared(tx, write, null, null, null, put.Object, put.UpstreamResourceVersion);
        }

        long stored, length;
        string? storedUpstream, labels, fields;
        try
        {
            (stored, storedUpstream, labels, fields, length) = (shape.Int64(0), shape.Text(1), shape.Text(2), shape.Text(3), shape.Int64(4));
        }
        finally
        {
            shape.Reset();
        }

        var upstream = put.UpstreamResourceVersion ?? storedUpstream;
        if (upstream == storedUpstream && put.Object.LengthWith(stored) == length)
        {
            // Possibly unchanged: its bytes, by the revision just read (the join above found that change).
            var value = tx.Statements.SelectValue.Set("$revision", stored).ScalarBytes()!;
            return ApplyPrepared(tx, write, new StoredObject(write.Key, stored, storedUpstream, value), labels, fields,
                put.Object, put.UpstreamResourceVersion);
        }

        if (write.DryRun)
        {
            return new WriteResult.WouldCommit(new StoredObject(write.Key, stored, upstream, put.Object.With(stored)), ChangeType.Modified);
        }

        var revision = ++tx.Revision;
        return Store(tx, write, stored, labels, fields, revision, put.Object.With(revision), upstream, put.Object.Labels, put.Object.Fields);
    }

    private static WriteResult ApplyPrepared(Transaction tx, ObjectWrite write, StoredObject? current, string? currentLabels,
        string? currentFields, PreparedObject prepared, string? upstreamVersion)
    {
        var upstream = upstreamVersion ?? current?.UpstreamResourceVersion;
        // A write that leaves the object exactly as stored commits nothing, as on the apiserver.
        if (current is not null && upstream == current.UpstreamResourceVersion && prepared.Equals(current.Value, current.ResourceVersion))
        {
            return new WriteResult.Unchanged(current);
        }

        if (write.DryRun)
        {
            // Nothing is stored, so the object keeps the version it has (none if it is new).
            return new WriteResult.WouldCommit(
                new StoredObject(write.Key, current?.ResourceVersion ?? 0, upstream,
                    current is null ? prepared.WithoutVersion() : prepared.With(current.ResourceVersion)),
                current is null ? ChangeType.Added : ChangeType.Modified);
        }

        var revision = ++tx.Revision;
        return Store(tx, write, current?.ResourceVersion ?? 0, currentLabels, currentFields, revision, prepared.With(revision), upstream, prepared.Labels, prepared.Fields);
    }

    // previous: the stored object's revision, 0 when there is none.
    private static WriteResult.Committed Store(Transaction tx, ObjectWrite write, long previous, string? currentLabels,
        string? currentFields, long revision, byte[] value, string? upstream, string? labels, string? fields)
    {
        var statements = tx.Statements;
        var type = previous == 0 ? ChangeType.Added : ChangeType.Modified;
        statements.Upsert.Set("$key", write.Key).Set("$gvr", write.Type.Gvr).Set("$namespace", write.Namespace).Set("$name", write.Name)
            .Set("$rv", revision).Set("$urv", upstream).Set("$labels", labels).Set("$fields", fields).Execute();
        var change = new CommittedChange(revision, type, write.Key, write.Type.Gvr, write.Namespace, write.Name,
            value, labels, fields, currentLabels, currentFields);
        RecordChange(statements, change, previous, tx.Now);
        tx.Changes.Add(change);
        return new WriteResult.Committed(new StoredObject(write.Key, revision, upstream, value), type);
    }

    private static StoredObject? ReadCurrent(Statements statements, string key, out string? labels, out string? fields)
    {
        var select = statements.Select.Set("$key", key);
        if (!select.Read())
        {
            labels = fields = null;
            return null;
        }

        try
        {
            labels = select.Text(2);
            fields = select.Text(3);
            return new StoredObject(key, select.Int64(0), select.Text(1), select.Bytes(4));
        }
        finally
        {
            select.Reset();
        }
    }

    private static void RecordChange(Statements statements, CommittedChange change, long previous, long now)
    {
        var type = change.Type switch
        {
            ChangeType.Added => "ADDED",
            ChangeType.Modified => "MODIFIED",
            _ => "DELETED",
        };
        statements.InsertChange.Set("$revision", change.Revision).Set("$key", change.Key).Set("$gvr", change.Gvr)
            .Set("$namespace", change.Namespace).Set("$name", change.Name).Set("$type", type)
            .Set("$prev", previous).Set("$labels", change.Labels).Set("$fields", change.Fields)
            .SetUtf8("$value", change.Value)
            .Set("$at", now).Execute();
    }

    private void Publish(List<CommittedChange> changes)
    {
        var snapshot = changes.ToArray();
        foreach (var observer in _observers)
        {
            try
            {
                observer.OnCommitted(snapshot);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Log.ObserverFailed(_logger, observer.GetType().Name, ex);
            }
        }
    }

    internal static ReadOnlySpan<byte> Serialize(JsonObject obj, ArrayBufferWriter<byte> buffer)
    {
        buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            obj.WriteTo(writer);
        }

        return buffer.WrittenSpan;
    }

    internal static string? JsonText(IReadOnlyDictionary<string, string> map)
    {
        if (map.Count == 0)
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in map)
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Stops taking writes, commits what is queued, and ends the loop.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    /// <summary>A unit of the queue: run inside the batch's transaction, answered once the batch commits.</summary>
    private abstract class PendingWork
    {
        /// <summary>May be run again after its first run was rolled back (see <see cref="QueueAsync{T}"/>).</summary>
        public bool Rerunnable { get; init; }

        public abstract void Run(Transaction tx);

        /// <summary>The unit threw and was rolled back alone.</summary>
        public abstract void Refused(Exception exception);

        /// <summary>The batch committed: hand over the result.</summary>
        public abstract void Complete();

        /// <summary>The whole batch failed to commit.</summary>
        public abstract void Fail(Exception exception);
    }

    private sealed class PendingWrite(ObjectWrite write) : PendingWork
    {
        private WriteResult? _result;

        public TaskCompletionSource<WriteResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Run(Transaction tx) => _result = tx.Write(write);

        public override void Refused(Exception exception) =>
            _result = new WriteResult.Rejected(KubeStatus.InternalError("the write could not be committed: " + exception.Message));

        public override void Complete() => Completion.TrySetResult(_result!);

        public override void Fail(Exception exception) =>
            Completion.TrySetResult(new WriteResult.Rejected(KubeStatus.InternalError("the write could not be committed: " + exception.Message)));
    }

    private sealed class PendingCommand<T>(Func<IWriteTransaction, T> command) : PendingWork
    {
        private T? _result;
        private Exception? _error;

        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Run(Transaction tx) => _result = command(tx);

        public override void Refused(Exception exception) => _error = exception;

        public override void Complete()
        {
            if (_error is not null)
            {
                Completion.TrySetException(_error);
            }
            else
            {
                Completion.TrySetResult(_result!);
            }
        }

        public override void Fail(Exception exception) => Completion.TrySetException(exception);
    }

    /// <summary>The state of the batch being written, and what commands may do in it.</summary>
    private sealed class Transaction(StoreWriter writer, Statements statements, ArrayBufferWriter<byte> buffer, ReceiptIndex receipts) : IWriteTransaction
    {
        public Statements Statements { get; } = statements;

        public ReceiptIndex Receipts { get; } = receipts;

        public ArrayBufferWriter<byte> Buffer { get; } = buffer;

        public List<CommittedChange> Changes { get; } = new(256);

        public long Revision { get; set; }

        public long CompactedTo { get; private set; }

        public long Now { get; private set; }

        public void Begin(long revision, long compactedTo, long now)
        {
            Changes.Clear();
            Receipts.Discard();
            Revision = revision;
            CompactedTo = compactedTo;
            Now = now;
        }

        public void Undo(long revision, int changeCount, long compactedTo, int receiptCount)
        {
            Receipts.Unstage(receiptCount);
            Revision = revision;
            Changes.RemoveRange(changeCount, Changes.Count - changeCount);
            CompactedTo = compactedTo;
        }

        public StoredObject? Read(string key) => ReadCurrent(Statements, key, out _, out _);

        public WriteResult Write(ObjectWrite write) => writer.Apply(this, write);

        public string? ReadMeta(string key) => Statements.SelectMeta.Set("$key", key).ScalarText();

        public void PutMeta(string key, string type, string value)
        {
            Statements.UpsertMeta.Set("$key", key).Set("$type", type).Set("$value", value).Execute();
        }

        public bool DeleteMeta(string key)
        {
            return Statements.DeleteMeta.Set("$key", key).Execute() > 0;
        }

        // A new message costs one append; a resend (or a hash collision) one read by seq as well.
        public string? ClaimReceipt(string messageId, string answer)
        {
            var key = ReceiptIndex.KeyOf(messageId);
            if (Receipts.TryFind(key, out var seq))
            {
                var select = Statements.SelectReceipt.Set("$seq", seq);
                if (select.Read())
                {
                    try
                    {
                        if (select.Text(0) == messageId)
                        {
                            return select.Text(1) ?? "";
                        }
                    }
                    finally
                    {
                        select.Reset();
                    }
                }
            }

            seq = Statements.InsertReceipt.Set("$id", messageId).Set("$answer", answer).Set("$at", Now).Insert();
            Receipts.Stage(key, seq, Now);
            return null;
        }

        public void AddToOutbox(ObjectWrite write)
        {
            Statements.InsertOutbox.Set("$key", write.Key).Set("$gvr", write.Type.Gvr).Set("$namespace", write.Namespace)
                .Set("$name", write.Name).Set("$subresource", write.Subresource).Set("$at", Now).Execute();
        }

        public void RemoveFromOutbox(string key, long upToId)
        {
            Statements.DeleteOutbox.Set("$key", key).Set("$upTo", upToId).Execute();
        }

        // Forgetting is not undone if this transaction fails: what it forgets is past its retention anyway.
        public int PruneReceipts(long before) => Statements.PruneReceipts.Set("$keep", Receipts.ForgetBefore(before)).Execute();

        public long Compact(long upTo)
        {
            var from = CompactedTo;
            CompactedTo = Math.Max(CompactedTo, Math.Min(upTo, Revision));
            Statements.DeleteChanges.Set("$from", from).Set("$upTo", CompactedTo).Execute();
            Statements.UpdateCompacted.Set("$upTo", CompactedTo).Execute();
            return CompactedTo;
        }
    }

    // Prepared once for the writer's connection and reused for every write (stepped directly, see WriterStatement).
    private sealed class Statements : IDisposable
    {
        public Statements(SqliteConnection connection)
        {
            Select = new WriterStatement(connection, SelectCurrent);
            SelectShape = new WriterStatement(connection, StoreWriter.SelectShape);
            SelectValue = new WriterStatement(connection, "SELECT value FROM changes WHERE revision = $revision");
            Upsert = new WriterStatement(connection, StoreWriter.Upsert);
            Delete = new WriterStatement(connection, DeleteObject);
            InsertChange = new WriterStatement(connection, StoreWriter.InsertChange);
            UpdateState = new WriterStatement(connection, StoreWriter.UpdateState);
            DeleteChanges = new WriterStatement(connection, StoreWriter.DeleteChanges);
            UpdateCompacted = new WriterStatement(connection, StoreWriter.UpdateCompacted);
            SelectMeta = new WriterStatement(connection, "SELECT value FROM meta WHERE key = $key");
            UpsertMeta = new WriterStatement(connection, """
                INSERT INTO meta (key, type, value) VALUES ($key, $type, $value)
                ON CONFLICT (key) DO UPDATE SET type = excluded.type, value = excluded.value
                """);
            DeleteMeta = new WriterStatement(connection, "DELETE FROM meta WHERE key = $key");
            SelectReceipt = new WriterStatement(connection, "SELECT msg_id, answer FROM message_receipts WHERE seq = $seq");
            InsertReceipt = new WriterStatement(connection, "INSERT INTO message_receipts (msg_id, answer, processed_at) VALUES ($id, $answer, $at)");
            PruneReceipts = new WriterStatement(connection, "DELETE FROM message_receipts WHERE seq < $keep");
            InsertOutbox = new WriterStatement(connection, """
                INSERT INTO outbox (key, gvr, namespace, name, subresource, created_at) VALUES ($key, $gvr, $namespace, $name, $subresource, $at)
                """);
            DeleteOutbox = new WriterStatement(connection, "DELETE FROM outbox WHERE key = $key AND id <= $upTo");
            Savepoint = new WriterStatement(connection, "SAVEPOINT unit");
            Release = new WriterStatement(connection, "RELEASE unit");
            RollbackToSavepoint = new WriterStatement(connection, "ROLLBACK TO unit");
            _all = [Select, SelectShape, SelectValue, Upsert, Delete, InsertChange, UpdateState, DeleteChanges, UpdateCompacted, SelectMeta, UpsertMeta,
                DeleteMeta, SelectReceipt, InsertReceipt, PruneReceipts, InsertOutbox, DeleteOutbox, Savepoint, Release, RollbackToSavepoint];
        }

        private readonly WriterStatement[] _all;

        public WriterStatement Select { get; }
        public WriterStatement SelectShape { get; }
        public WriterStatement SelectValue { get; }
        public WriterStatement Upsert { get; }
        public WriterStatement Delete { get; }
        public WriterStatement InsertChange { get; }
        public WriterStatement UpdateState { get; }
        public WriterStatement DeleteChanges { get; }
        public WriterStatement UpdateCompacted { get; }
        public WriterStatement SelectMeta { get; }
        public WriterStatement UpsertMeta { get; }
        public WriterStatement DeleteMeta { get; }
        public WriterStatement SelectReceipt { get; }
        public WriterStatement InsertReceipt { get; }
        public WriterStatement PruneReceipts { get; }
        public WriterStatement InsertOutbox { get; }
        public WriterStatement DeleteOutbox { get; }
        public WriterStatement Savepoint { get; }
        public WriterStatement Release { get; }
        public WriterStatement RollbackToSavepoint { get; }

        public void Dispose()
        {
            foreach (var command in _all)
            {
                command.Dispose();
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 100, Level = LogLevel.Error, Message = "A batch of {Count} writes failed to commit and was rolled back")]
        public static partial void BatchFailed(ILogger logger, int count, Exception exception);

        [LoggerMessage(EventId = 101, Level = LogLevel.Error, Message = "The write to {Key} failed while being decided")]
        public static partial void MutationFailed(ILogger logger, string key, Exception exception);

        [LoggerMessage(EventId = 103, Level = LogLevel.Error, Message = "A unit of a batch failed and was rolled back alone; the rest of the batch commits")]
        public static partial void UnitFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 104, Level = LogLevel.Debug, Message = "Committed revisions {First} to {Last} at unix ms {At}")]
        public static partial void Committed(ILogger logger, long first, long last, string at);

        [LoggerMessage(EventId = 102, Level = LogLevel.Error, Message = "Change observer {Observer} failed")]
        public static partial void ObserverFailed(ILogger logger, string observer, Exception exception);
    }
}
