using System.Collections.Frozen;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace MetaServer.Data;

/// <summary>
/// One of the writer's statements, prepared once and stepped through SQLitePCL directly: a write runs about seven
/// statements, and ADO.NET's per-execution work (re-binding every parameter by name, a reader object per query)
/// was a measurable share of the one writer thread. Parameters are bound by their <c>$name</c>; every execution
/// resets the statement, so none stays open across a commit.
/// </summary>
internal sealed class WriterStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private readonly FrozenDictionary<string, int> _parameters;

    public WriterStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle!;
        ReadSession.Check(raw.sqlite3_prepare_v3(_db, sql, raw.SQLITE_PREPARE_PERSISTENT, out _statement));
        var parameters = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 1; i <= raw.sqlite3_bind_parameter_count(_statement); i++)
        {
            parameters[raw.sqlite3_bind_parameter_name(_statement, i).utf8_to_string()] = i;
        }

        _parameters = parameters.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public WriterStatement Set(string name, string? value) =>
        Bound(value is null ? raw.sqlite3_bind_null(_statement, _parameters[name]) : raw.sqlite3_bind_text(_statement, _parameters[name], value));

    public WriterStatement Set(string name, long value) => Bound(raw.sqlite3_bind_int64(_statement, _parameters[name], value));

    /// <summary>Binds UTF-8 JSON bytes as TEXT (what the tables hold, and what json_extract reads).</summary>
    public WriterStatement SetUtf8(string name, ReadOnlySpan<byte> value) => Bound(raw.sqlite3_bind_text(_statement, _parameters[name], value));

    /// <summary>Runs the statement to its end; returns the rows it changed.</summary>
    public int Execute()
    {
        try
        {
            var rc = raw.sqlite3_step(_statement);
            while (rc == raw.SQLITE_ROW)
            {
                rc = raw.sqlite3_step(_statement);
            }

            ThrowUnless(rc, raw.SQLITE_DONE);
            return raw.sqlite3_changes(_db);
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    /// <summary>Runs an INSERT to its end; returns the rowid it gave the row.</summary>
    public long Insert()
    {
        Execute();
        return raw.sqlite3_last_insert_rowid(_db);
    }

    /// <summary>Steps to the first row; false (and reset) when there is none. After true, read columns, then <see cref="Reset"/>.</summary>
    public bool Read()
    {
        var rc = raw.sqlite3_step(_statement);
        if (rc == raw.SQLITE_ROW)
        {
            return true;
        }

        raw.sqlite3_reset(_statement);
        ThrowUnless(rc, raw.SQLITE_DONE);
        return false;
    }

    /// <summary>The first column of the first row as text, or null (no row, or NULL).</summary>
    public string? ScalarText() => Scalar(Text);

    /// <summary>The first column of the first row as bytes, or null (no row).</summary>
    public byte[]? ScalarBytes() => Scalar(Bytes);

    private T? Scalar<T>(Func<int, T?> read)
        where T : class
    {
        if (!Read())
        {
            return null;
        }

        try
        {
            return read(0);
        }
        finally
        {
            Reset();
        }
    }

    public long Int64(int column) => raw.sqlite3_column_int64(_statement, column);

    public string? Text(int column) =>
        raw.sqlite3_column_type(_statement, column) == raw.SQLITE_NULL ? null : raw.sqlite3_column_text(_statement, column).utf8_to_string();

    public byte[] Bytes(int column) => raw.sqlite3_column_blob(_statement, column).ToArray();

    public void Reset() => raw.sqlite3_reset(_statement);

    public void Dispose() => _statement.Dispose();

    private WriterStatement Bound(int rc)
    {
        ThrowUnless(rc, raw.SQLITE_OK);
        return this;
    }

    private void ThrowUnless(int rc, int expected)
    {
        if (rc != expected)
        {
            throw new SqliteException($"SQLite Error {rc}: '{raw.sqlite3_errmsg(_db).utf8_to_string()}'.", rc, raw.sqlite3_extended_errcode(_db));
        }
    }
}
