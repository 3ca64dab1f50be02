using Dapper;
using MetaServer.Data.Migrations;
using Microsoft.Data.Sqlite;

namespace MetaServer.Data;

/// <summary>
/// The SQLite file: opened, migrated and read here. Reads run on pooled connections of their own, each in a
/// snapshot; every write goes through the one <see cref="StoreWriter"/>.
/// </summary>
public sealed class SqliteStore : IDisposable
{
    private const string SelectState = "SELECT revision AS Revision, compacted_revision AS CompactedRevision FROM store_state WHERE id = 1";

    private readonly string _readConnectionString;
    private readonly ReadSessionPool _sessions;
    private long _revision;
    private long _compacted;

    public SqliteStore(StoreOptions options)
    {
        Options = options;
        var path = System.IO.Path.GetFullPath(options.Path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        WriteConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString();
        _readConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString();
        _sessions = new ReadSessionPool(_readConnectionString, Environment.ProcessorCount * 8);
        FilePath = path;
    }

    public StoreOptions Options { get; }

    public string FilePath { get; }

    internal string WriteConnectionString { get; }

    /// <summary>The newest committed revision: what a list or a get reports as its resourceVersion.</summary>
    public long CurrentRevision => Interlocked.Read(ref _revision);

    /// <summary>Revisions at or below this are no longer in the change log.</summary>
    public long CompactedRevision => Interlocked.Read(ref _compacted);

    /// <summary>
    /// Creates the file if needed, checks it (<c>PRAGMA quick_check</c>; a damaged file throws
    /// <see cref="StoreDamagedException"/>), switches it to WAL and migrates it to the newest schema.
    /// </summary>
    public IReadOnlyList<int> Initialize()
    {
        using var connection = OpenCheckedWriterConnection();
        var applied = Migrator.Apply(connection, Schema.Migrations);
        var state = connection.QuerySingle<(long Revision, long CompactedRevision)>(SelectState);
        Interlocked.Exchange(ref _revision, state.Revision);
        Interlocked.Exchange(ref _compacted, state.CompactedRevision);
        return applied;
    }

    private SqliteConnection OpenCheckedWriterConnection()
    {
        SqliteConnection? connection = null;
        try
        {
            connection = OpenWriterConnection();
            DatabaseFile.Check(connection, FilePath);
            return connection;
        }
        catch (SqliteException ex) when (DatabaseFile.IsDamage(ex))
        {
            connection?.Dispose();
            throw new StoreDamagedException(FilePath, ex.Message, ex);
        }
        catch
        {
            connection?.Dispose();
            throw;
        }
    }

    internal SqliteConnection OpenWriterConnection()
    {
        var connection = new SqliteConnection(WriteConnectionString);
        connection.Open();
        // temp_store: each unit of a batch runs in a savepoint, whose sub-journal (the pages it changes, as they
        // were) is then kept in memory instead of a temporary file.
        connection.Execute($"PRAGMA journal_mode = WAL; PRAGMA synchronous = {Options.Synchronous}; PRAGMA temp_store = MEMORY;");
        return connection;
    }

    internal void Advance(long revision) => Interlocked.Exchange(ref _revision, revision);

    internal void Compacted(long revision) => Interlocked.Exchange(ref _compacted, revision);

    public async Task<SqliteConnection> OpenReaderAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_readConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    /// <summary>One object by key, or null.</summary>
    public Task<StoredObject?> GetAsync(string key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var session = _sessions.Rent();
        try
        {
            return Task.FromResult(session.Get(key));
        }
        finally
        {
            _sessions.Return(session);
        }
    }

    /// <summary>
    /// Opens a cursor over the objects whose key starts with <paramref name="prefix"/> and sorts after
    /// <paramref name="startAfterKey"/>, in key order, inside one read snapshot whose revision it reports.
    /// </summary>
    public ObjectCursor OpenList(string prefix, string? startAfterKey)
    {
        var session = _sessions.Rent();
        try
        {
            var revision = session.BeginSnapshot();
            var after = startAfterKey is not null && string.CompareOrdinal(startAfterKey, prefix) > 0 ? startAfterKey : prefix;
            return new ObjectCursor(_sessions, session, session.StartRange(after, PrefixEnd(prefix)), revision);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Like <see cref="OpenList"/>, but the objects as they were at <paramref name="revision"/> (which must not be
    /// newer than the store). False, with the compaction point, when that state is no longer in the change log.
    /// </summary>
    public bool TryOpenListAt(string prefix, string? startAfterKey, long revision, out ObjectCursor? cursor, out long compactedRevision)
    {
        var session = _sessions.Rent();
        try
        {
            var current = session.BeginSnapshot(out compactedRevision);
            var after = startAfterKey is not null && string.CompareOrdinal(startAfterKey, prefix) > 0 ? startAfterKey : prefix;
            if (revision >= current)
            {
                cursor = new ObjectCursor(_sessions, session, session.StartRange(after, PrefixEnd(prefix)), current);
                return true;
            }

            if (revision < compactedRevision)
            {
                session.EndSnapshot();
                _sessions.Return(session);
                cursor = null;
                return false;
            }

            cursor = new ObjectCursor(_sessions, session, session.StartRangeAt(after, PrefixEnd(prefix), revision), revision);
            return true;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Changes after <paramref name="afterRevision"/> to keys under <paramref name="prefix"/>, oldest first, at most
    /// <paramref name="limit"/>; with the compacted revision of the same snapshot, so a caller can tell a gap (410)
    /// from an empty page.
    /// </summary>
    public ChangePage ReadChanges(long afterRevision, string prefix, int limit)
    {
        var session = _sessions.Rent();
        try
        {
            var revision = session.BeginSnapshot(out var compacted);
            try
            {
                var changes = afterRevision < compacted ? [] : session.ReadChanges(afterRevision, prefix, PrefixEnd(prefix), limit);
                return new ChangePage(changes, revision, compacted);
            }
            finally
            {
                session.EndSnapshot();
            }
        }
        finally
        {
            _sessions.Return(session);
        }
    }

    /// <summary>The newest revision committed before <paramref name="time"/>, or 0.</summary>
    public async Task<long> NewestRevisionBeforeAsync(DateTimeOffset time, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        return await connection.QuerySingleAsync<long>(new CommandDefinition(
            "SELECT COALESCE(MAX(revision), 0) FROM changes WHERE committed_at < @at",
            new { at = time.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>The value of a row of KubeEdge's <c>meta</c> table, or null.</summary>
    public async Task<string?> GetMetaAsync(string key, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        return await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            "SELECT value FROM meta WHERE key = @key", new { key }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Every row of a type in the <c>meta</c> table, by key.</summary>
    public async Task<IReadOnlyList<(string Key, string Value)>> ListMetaAsync(string type, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(string, string)>(new CommandDefinition(
            "SELECT key, value FROM meta WHERE type = @type ORDER BY key", new { type }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.AsList();
    }

    /// <summary>The JSON text of every stored object whose key starts with <paramref name="prefix"/>, in key order.</summary>
    public async Task<IReadOnlyList<string>> ListValuesAsync(string prefix, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT c.value FROM meta_v2 m JOIN changes c ON c.revision = m.resource_version WHERE m.key >= @prefix AND m.key < @end ORDER BY m.key",
            new { prefix, end = PrefixEnd(prefix) }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.AsList();
    }

    /// <summary>Key and upstream resource version of every stored object under <paramref name="prefix"/>.</summary>
    public async Task<IReadOnlyDictionary<string, string?>> ListUpstreamVersionsAsync(string prefix, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(string Key, string? Version)>(new CommandDefinition(
            "SELECT key, upstream_resource_version FROM meta_v2 WHERE key >= @prefix AND key < @end",
            new { prefix, end = PrefixEnd(prefix) }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.ToDictionary(r => r.Key, r => r.Version, StringComparer.Ordinal);
    }

    /// <summary>How many objects are stored per resource type (its "group/version/resource"), for the status page.</summary>
    public async Task<IReadOnlyList<(string Gvr, long Count)>> CountByResourceAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(string Gvr, long Count)>(new CommandDefinition(
            "SELECT gvr, COUNT(*) FROM meta_v2 GROUP BY gvr ORDER BY gvr", cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.AsList();
    }

    /// <summary>The outbox, oldest first: per key, the newest entry id (what a replay may remove up to).</summary>
    public async Task<IReadOnlyList<OutboxEntry>> ReadOutboxAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT MAX(id), key, gvr, namespace, name, subresource
            FROM outbox GROUP BY key, subresource ORDER BY MIN(id)
            """;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var entries = new List<OutboxEntry>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            entries.Add(new OutboxEntry(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5)));
        }

        return entries;
    }

    /// <summary>How many node-owned writes wait for the cloud.</summary>
    public async Task<long> OutboxDepthAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        return await connection.QuerySingleAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM outbox", cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>A cheap query proving the file is readable: what /readyz reports.</summary>
    public async Task<long> ProbeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        return await connection.QuerySingleAsync<long>(
            new CommandDefinition("SELECT revision FROM store_state WHERE id = 1", cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    // Keys under a prefix ending in '/' sort below the same prefix ending in '0', the next character.
    internal static string PrefixEnd(string prefix) => prefix[..^1] + (char)(prefix[^1] + 1);

    public void Dispose()
    {
        _sessions.Dispose();
        SqliteConnection.ClearAllPools();
    }
}
