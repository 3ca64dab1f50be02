using System.Buffers;
using SQLitePCL;

namespace MetaServer.Data;

/// <summary>
/// Streams stored objects in key order from one read snapshot, handing out each row's JSON, labels and
/// fields as spans over SQLite's own memory: valid until the next <see cref="Read"/>, never copied twice.
/// </summary>
public sealed class ObjectCursor : IDisposable
{
    private readonly ReadSessionPool _pool;
    private readonly ReadSession _session;
    private readonly sqlite3_stmt _statement;

    internal ObjectCursor(ReadSessionPool pool, ReadSession session, sqlite3_stmt statement, long snapshotRevision)
    {
        _pool = pool;
        _session = session;
        _statement = statement;
        SnapshotRevision = snapshotRevision;
    }

    /// <summary>The revision of the state every row comes from.</summary>
    public long SnapshotRevision { get; }

    public string Key => raw.sqlite3_column_text(_statement, 0).utf8_to_string();

    /// <summary>The object's labels as UTF-8 JSON object text; empty when it has none.</summary>
    public ReadOnlySpan<byte> Labels => raw.sqlite3_column_blob(_statement, 2);

    /// <summary>The object's selectable fields as UTF-8 JSON object text.</summary>
    public ReadOnlySpan<byte> Fields => raw.sqlite3_column_blob(_statement, 3);

    /// <summary>The object's JSON as stored.</summary>
    public ReadOnlySpan<byte> Value => raw.sqlite3_column_blob(_statement, 4);

    /// <summary>The current object's JSON as a new array, for callers that keep it past the next row.</summary>
    public byte[] GetValue() => Value.ToArray();

    /// <summary>Moves to the next row; false at the end.</summary>
    public bool Read()
    {
        var rc = raw.sqlite3_step(_statement);
        if (rc == raw.SQLITE_ROW)
        {
            return true;
        }

        ReadSession.Check(rc, raw.SQLITE_DONE);
        return false;
    }

    /// <summary>Goes back to before the first row, in the same snapshot: a second pass reads the same rows.</summary>
    public void Restart() => raw.sqlite3_reset(_statement); // its bindings stay

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
}
