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
    private const string SelectObject =
        "SELECT resource_version, upstream_resource_version, value FROM meta_v2 WHERE key = ?1";

    private const string SelectRange =
        "SELECT key, resource_version, labels, fields, value FROM meta_v2 WHERE key > ?1 AND key < ?2 ORDER BY key";

    private const string SelectRevision = "SELECT revision FROM store_state WHERE id = 1";

    private readonly sqlite3_stmt _get;
    private readonly sqlite3_stmt _range;
    private readonly sqlite3_stmt _revision;

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
    public long BeginSnapshot()
    {
        Check(raw.sqlite3_exec(Connection.Handle, "BEGIN DEFERRED"));
        try
        {
            Check(raw.sqlite3_step(_revision), raw.SQLITE_ROW);
            return raw.sqlite3_column_int64(_revision, 0);
        }
        finally
        {
            raw.sqlite3_reset(_revision);
        }
    }

    public void EndSnapshot()
    {
        raw.sqlite3_reset(_range);
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

    public void Dispose()
    {
        _get.Dispose();
        _range.Dispose();
        _revision.Dispose();
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
