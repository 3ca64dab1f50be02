using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace MetaServer.Data;

/// <summary>
/// A read-only connection with its hot statements prepared once. Point reads and list scans step these
/// statements directly through SQLitePCL, so a row's JSON goes from SQLite's page to the response without an
/// intermediate array or string (measured in docs/storage.md: the ADO.NET path copied every value twice).
/// </summary>
internal sealed class ReadSession : IDisposable
{
    // What exists is indexed by meta_v2; each object's JSON is the value of the change that wrote it (migration 4).
    private const string SelectObject = """
        SELECT m.resource_version, m.upstream_resource_version, c.value
        FROM meta_v2 m JOIN changes c ON c.revision = m.resource_version WHERE m.key = ?1
        """;

    private const string SelectRange = """
        SELECT m.key, m.resource_version, m.labels, m.fields, c.value
        FROM meta_v2 m JOIN changes c ON c.revision = m.resource_version WHERE m.key > ?1 AND m.key < ?2 ORDER BY m.key
        """;

    // The state at an older revision N (not below the compaction point): per key, its newest change at or before N,
    // unless that change deleted it. Streamed in key order along the (key, revision) index, no sort: a page of a
    // paginated list stops reading where its limit is reached.
    private const string SelectRangeAt = """
        SELECT c.key, c.revision, c.labels, c.fields, c.value
        FROM changes c
        WHERE c.key > ?1 AND c.key < ?2
          AND c.revision = (SELECT MAX(c2.revision) FROM changes c2 WHERE c2.key = c.key AND c2.revision <= ?3)
          AND c.type <> 'DELETED'
        ORDER BY c.key
        """;

    private const string SelectRevision = "SELECT revision, compacted_revision FROM store_state WHERE id = 1";

    // A change's previous labels and fields (whether a selector matched before it) are its predecessor's, which the
    // compaction rule keeps for every change after the compaction point.
    private const string SelectChanges = """
        SELECT c.revision, c.type, c.key, c.gvr, c.namespace, c.name, c.labels, c.fields, p.labels, p.fields, c.value
        FROM changes c LEFT JOIN changes p ON p.revision = c.prev_revision AND c.prev_revision > 0
        WHERE c.revision > ?1 AND c.key > ?2 AND c.key < ?3 ORDER BY c.revision LIMIT ?4
        """;

    private readonly sqlite3_stmt _get;
    private readonly sqlite3_stmt _range;
    private readonly sqlite3_stmt _revision;
    private readonly sqlite3_stmt _changes;
    private readonly sqlite3_stmt _rangeAt;

    public ReadSession(string connectionString)
    {
        Connection = new SqliteConnection(connectionString);
        Connection.Open();
        var db = Connection.Handle!;
        // Reads map the file instead of copying pages through SQLite's cache: cheaper scans of large rows.
        Check(raw.sqlite3_exec(db, "PRAGMA mmap_size = 268435456"));
        _get = Prepare(db, SelectObject);
        _range = Prepare(db, SelectRange);
        _revision = Prepare(db, SelectRevision);
        _changes = Prepare(db, SelectChanges);
        _rangeAt = Prepare(db, SelectRangeAt);
    }

    public SqliteConnection Connection { get; }

    /// <summary>One object by key, or null.</summary>
    public StoredObject? Get(string key)
    {
        try
        {
            Check(raw.sqlite3_bind_text(_get, 1, key));
            var rc = raw.sqlite3_step(_get);
            if (rc == raw.SQLITE_DONE)
            {
                return null;
            }

            Check(rc, raw.SQLITE_ROW);
            var upstream = raw.sqlite3_column_type(_get, 1) == raw.SQLITE_NULL ? null : raw.sqlite3_column_text(_get, 1).utf8_to_string();
            return new StoredObject(key, raw.sqlite3_column_int64(_get, 0), upstream, raw.sqlite3_column_blob(_get, 2).ToArray());
        }
        finally
        {
            raw.sqlite3_reset(_get);
        }
    }

    /// <summary>Starts a snapshot: a read transaction in which the revision and every later row agree.</summary>
    public long BeginSnapshot() => BeginSnapshot(out _);

    /// <summary>Starts a snapshot and reports the newest revision compacted out of the change log in it.</summary>
    public long BeginSnapshot(out long compactedRevision)
    {
        Check(raw.sqlite3_exec(Connection.Handle, "BEGIN DEFERRED"));
        try
        {
            Check(raw.sqlite3_step(_revision), raw.SQLITE_ROW);
            compactedRevision = raw.sqlite3_column_int64(_revision, 1);
            return raw.sqlite3_column_int64(_revision, 0);
        }
        catch
        {
            raw.sqlite3_exec(Connection.Handle, "ROLLBACK");
            throw;
        }
        finally
        {
            raw.sqlite3_reset(_revision);
        }
    }

    /// <summary>Up to <paramref name="limit"/> changes after a revision to keys in [after, end), oldest first.</summary>
    public List<CommittedChange> ReadChanges(long afterRevision, string after, string end, int limit)
    {
        var result = new List<CommittedChange>();
        try
        {
            Check(raw.sqlite3_bind_int64(_changes, 1, afterRevision));
            Check(raw.sqlite3_bind_text(_changes, 2, after));
            Check(raw.sqlite3_bind_text(_changes, 3, end));
            Check(raw.sqlite3_bind_int(_changes, 4, limit));
            int rc;
            while ((rc = raw.sqlite3_step(_changes)) == raw.SQLITE_ROW)
            {
                var type = raw.sqlite3_column_text(_changes, 1).utf8_to_string() switch
                {
                    "ADDED" => ChangeType.Added,
                    "MODIFIED" => ChangeType.Modified,
                    _ => ChangeType.Deleted,
                };
                result.Add(new CommittedChange(
                    raw.sqlite3_column_int64(_changes, 0), type,
                    Text(_changes, 2)!, Text(_changes, 3)!, Text(_changes, 4)!, Text(_changes, 5)!,
                    raw.sqlite3_column_blob(_changes, 10).ToArray(),
                    Text(_changes, 6), Text(_changes, 7), Text(_changes, 8), Text(_changes, 9)));
            }

            Check(rc, raw.SQLITE_DONE);
            return result;
        }
        finally
        {
            raw.sqlite3_reset(_changes);
        }
    }

    private static string? Text(sqlite3_stmt statement, int column) =>
        raw.sqlite3_column_type(statement, column) == raw.SQLITE_NULL ? null : raw.sqlite3_column_text(statement, column).utf8_to_string();

    public void EndSnapshot()
    {
        raw.sqlite3_reset(_range);
        raw.sqlite3_reset(_rangeAt);
        raw.sqlite3_exec(Connection.Handle, "COMMIT");
    }

    /// <summary>Binds the range scan: keys after <paramref name="after"/> and below <paramref name="end"/>.</summary>
    public sqlite3_stmt StartRange(string after, string end)
    {
        raw.sqlite3_reset(_range);
        Check(raw.sqlite3_bind_text(_range, 1, after));
        Check(raw.sqlite3_bind_text(_range, 2, end));
        return _range;
    }

    /// <summary>Binds the scan that reads the range back as it was at <paramref name="revision"/>.</summary>
    public sqlite3_stmt StartRangeAt(string after, string end, long revision)
    {
        raw.sqlite3_reset(_rangeAt);
        Check(raw.sqlite3_bind_text(_rangeAt, 1, after));
        Check(raw.sqlite3_bind_text(_rangeAt, 2, end));
        Check(raw.sqlite3_bind_int64(_rangeAt, 3, revision));
        return _rangeAt;
    }

    public void Dispose()
    {
        _get.Dispose();
        _range.Dispose();
        _revision.Dispose();
        _changes.Dispose();
        _rangeAt.Dispose();
        Connection.Dispose();
    }

    private static sqlite3_stmt Prepare(sqlite3 db, string sql)
    {
        Check(raw.sqlite3_prepare_v2(db, sql, out var statement));
        return statement;
    }

    internal static void Check(int rc, int expected = raw.SQLITE_OK)
    {
        if (rc != expected)
        {
            throw new SqliteException($"SQLite error {rc}: {raw.sqlite3_errstr(rc).utf8_to_string()}", rc);
        }
    }
}
