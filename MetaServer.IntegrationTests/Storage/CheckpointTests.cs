using Dapper;
using MetaServer.Data;
using MetaServer.IntegrationTests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace MetaServer.IntegrationTests.Storage;

/// <summary>
/// The write-ahead log is copied into the database file by the checkpointer's thread, not by the writer: committed
/// rows reach the file itself while the server runs, long before SQLite's own checkpoint would (the writer's is only a
/// backstop at 10,000 pages), and without a restart.
/// </summary>
public sealed class CheckpointTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Committed_rows_reach_the_database_file_itself_while_the_writer_runs()
    {
        var path = Path.Combine(_folder.Path, "checkpointed.db");
        using var store = new SqliteStore(new StoreOptions { Path = path, Synchronous = "NORMAL" });
        store.Initialize();
        await using var writer = new StoreWriter(store, [], NullLogger<StoreWriter>.Instance);

        // ~2 MB of rows: about 500 pages, under the 1,000 at which SQLite's default checkpoint would copy them.
        var value = new string('x', 4000);
        for (var round = 0; round < 10; round++)
        {
            await writer.ExecuteAsync(tx =>
            {
                for (var i = 0; i < 50; i++)
                {
                    tx.PutMeta($"default/podstatus/p{round}-{i}", "podstatus", value);
                }

                return 0;
            });
        }

        // Read the file alone: immutable=1 makes SQLite ignore the log, so only checkpointed pages are seen.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        long inFile = -1;
        while (DateTime.UtcNow < deadline && inFile != 500)
        {
            await Task.Delay(50);
            inFile = CountInFile(path);
        }

        Assert.Equal(500, inFile);
    }

    private static long CountInFile(string path)
    {
        try
        {
            using var file = new SqliteConnection($"Data Source=file:{path}?immutable=1;Mode=ReadOnly;Pooling=False");
            file.Open();
            return file.QuerySingle<long>("SELECT COUNT(*) FROM meta WHERE type = 'podstatus'");
        }
        catch (SqliteException)
        {
            // Caught mid-checkpoint (a page half copied): look again.
            return -1;
        }
    }
}
