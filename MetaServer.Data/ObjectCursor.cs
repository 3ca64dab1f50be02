using System.Buffers;
using SQLitePCL;

namespace MetaServer.Data;

/// <summary>
/// Streams stored objects in key order from one read snapshot, handing out each row's JSON, labels and
/// fields as spans over SQLite's own memory: valid until the next <see cref="Read"/>, never copied twice.
/// A cursor at an older revision merges two key-ordered scans (rows unchanged since, and the previous values
/// of rows changed after) into one ordered stream.
/// </summary>
public sealed class ObjectCursor : IDisposable
{
    private readonly ReadSessionPool _pool;
    private readonly ReadSession _session;
    private readonly sqlite3_stmt _first;
    private readonly sqlite3_stmt? _second;
    private bool _firstHasRow;
    private bool _secondHasRow;
    private bool _started;
    private sqlite3_stmt _current;

    internal ObjectCursor(ReadSessionPool pool, ReadSession session, sqlite3_stmt statement, long snapshotRevision)
        : this(pool, session, statement, null, snapshotRevision)
    {
    }

    internal ObjectCursor(ReadSessionPool pool, ReadSession session, sqlite3_stmt first, sqlite3_stmt? second, long snapshotRevision)
    {
        _pool = pool;
        _session = session;
        _first = first;
        _second = second;
        _current = first;
        SnapshotRevision = snapshotRevision;
    }

    /// <summary>The revision of the state every row comes from.</summary>
    public long SnapshotRevision { get; }

    public string Key => raw.sqlite3_column_text(_current, 0).utf8_to_string();

    /// <summary>The object's labels as UTF-8 JSON object text; empty when it has none.</summary>
    public ReadOnlySpan<byte> Labels => raw.sqlite3_column_blob(_current, 2);

    /// <summary>The object's selectable fields as UTF-8 JSON object text.</summary>
    public ReadOnlySpan<byte> Fields => raw.sqlite3_column_blob(_current, 3);

    /// <summary>The object's JSON as stored.</summary>
    public ReadOnlySpan<byte> Value => raw.sqlite3_column_blob(_current, 4);

    /// <summary>The current object's JSON as a new array, for callers that keep it past the next row.</summary>
    public byte[] GetValue() => Value.ToArray();

    /// <summary>Moves to the next row; false at the end.</summary>
    public bool Read()
    {
        if (_second is null)
        {
            return Step(_first);
        }

        if (!_started)
        {
            _started = true;
            _firstHasRow = Step(_first);
            _secondHasRow = Step(_second);
        }
        else if (ReferenceEquals(_current, _first))
        {
            _firstHasRow = Step(_first);
        }
        else
        {
            _secondHasRow = Step(_second);
        }

        if (!_firstHasRow && !_secondHasRow)
        {
            return false;
        }

        _current = !_secondHasRow || (_firstHasRow && string.CompareOrdinal(KeyOf(_first), KeyOf(_second)) < 0) ? _first : _second;
        return true;
    }

    /// <summary>Goes back to before the first row, in the same snapshot: a second pass reads the same rows.</summary>
    public void Restart()
    {
        raw.sqlite3_reset(_first);
        if (_second is not null)
        {
            raw.sqlite3_reset(_second);
        }

        _started = false;
        _current = _first;
    }

    /// <summary>Copies the current object's JSON into <paramref name="destination"/>; returns its length.</summary>
    public int CopyValueTo(IBufferWriter<byte> destination)
    {
        var value = Value;
        value.CopyTo(destination.GetSpan(value.Length));
        destination.Advance(value.Length);
        return value.Length;
    }

    public void Dispose()
    {
        _session.EndSnapshot();
        _pool.Return(_session);
    }

    private static string KeyOf(sqlite3_stmt statement) => raw.sqlite3_column_text(statement, 0).utf8_to_string();

    private static bool Step(sqlite3_stmt statement)
    {
        var rc = raw.sqlite3_step(statement);
        if (rc == raw.SQLITE_ROW)
        {
            return true;
        }

        ReadSession.Check(rc, raw.SQLITE_DONE);
        return false;
    }
}
