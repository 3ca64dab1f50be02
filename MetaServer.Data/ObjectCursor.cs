using System.Buffers;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace MetaServer.Data;

/// <summary>
/// Streams stored objects in key order from one read snapshot, handing out each object's JSON bytes
/// without building strings or object trees.
/// </summary>
public sealed class ObjectCursor : IAsyncDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _transaction;
    private readonly SqliteCommand _command;
    private readonly SqliteDataReader _reader;

    internal ObjectCursor(SqliteConnection connection, SqliteTransaction transaction, SqliteCommand command,
        SqliteDataReader reader, long snapshotRevision)
    {
        _connection = connection;
        _transaction = transaction;
        _command = command;
        _reader = reader;
        SnapshotRevision = snapshotRevision;
    }

    /// <summary>The revision of the snapshot every row comes from.</summary>
    public long SnapshotRevision { get; }

    public string Key => _reader.GetString(0);

    public long ResourceVersion => _reader.GetInt64(1);

    /// <summary>The object's labels as a JSON object text, or null when it has none.</summary>
    public string? Labels => _reader.IsDBNull(2) ? null : _reader.GetString(2);

    /// <summary>The object's selectable fields as a JSON object text.</summary>
    public string? Fields => _reader.IsDBNull(3) ? null : _reader.GetString(3);

    public Task<bool> ReadAsync(CancellationToken cancellationToken) => _reader.ReadAsync(cancellationToken);

    /// <summary>Copies the current object's JSON into <paramref name="destination"/>; returns its length.</summary>
    public int CopyValueTo(IBufferWriter<byte> destination)
    {
        var length = (int)_reader.GetBytes(4, 0, null, 0, 0);
        var memory = destination.GetMemory(length);
        if (MemoryMarshal.TryGetArray<byte>(memory, out var segment))
        {
            _reader.GetBytes(4, 0, segment.Array, segment.Offset, length);
        }
        else
        {
            var rented = ArrayPool<byte>.Shared.Rent(length);
            _reader.GetBytes(4, 0, rented, 0, length);
            rented.AsSpan(0, length).CopyTo(memory.Span);
            ArrayPool<byte>.Shared.Return(rented);
        }

        destination.Advance(length);
        return length;
    }

    /// <summary>The current object's JSON as a new array (for callers that keep it).</summary>
    public byte[] GetValue()
    {
        var value = new byte[_reader.GetBytes(4, 0, null, 0, 0)];
        _reader.GetBytes(4, 0, value, 0, value.Length);
        return value;
    }

    public async ValueTask DisposeAsync()
    {
        await _reader.DisposeAsync().ConfigureAwait(false);
        await _command.DisposeAsync().ConfigureAwait(false);
        await _transaction.DisposeAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
