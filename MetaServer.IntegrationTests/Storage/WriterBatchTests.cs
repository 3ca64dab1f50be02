using Dapper;
using MetaServer.Data;
using MetaServer.IntegrationTests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace MetaServer.IntegrationTests.Storage;

/// <summary>
/// A batch of rerunnable commands runs without a savepoint per unit; one that fails must still fail alone: the
/// batch is rolled back and run again with savepoints, so the others commit once and the failed one leaves nothing.
/// Message receipts, found through the writer's in-memory index, follow the same transactions. The write-ahead log
/// is copied into the database file by the checkpointer's thread, not by the writer (whose own checkpoint is only a
/// backstop at 10,000 pages).
/// </summary>
public sealed class WriterBatchTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_failing_unit_in_a_batch_of_rerunnable_commands_fails_alone_and_the_others_commit()
    {
        using var store = Open("batch.db");
        await using var writer = new StoreWriter(store, [], NullLogger<StoreWriter>.Instance);

        var (runs, results) = await RunOneBatchAsync(writer, count: 8, failing: 5, rerunnable: true, PutMeta("p"));

        var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => results[5]);
        Assert.Equal("unit 5 fails after writing", failed.Message);
        for (var i = 0; i < runs.Length; i++)
        {
            if (i != 5)
            {
                Assert.Equal($"done {i}", await results[i]);
            }
        }

        // Stored: every unit's row but the failed one's.
        var stored = (await store.ListMetaAsync("podstatus", CancellationToken.None)).Select(r => r.Key).ToArray();
        Assert.Equal(Enumerable.Range(0, 8).Where(i => i != 5).Select(i => $"default/podstatus/p{i}"), stored);
        // The batch ran bare first up to unit 5's failure, then all of it again with a savepoint each.
        Assert.Equal([2, 2, 2, 2, 2, 2, 1, 1], runs);
    }

    [Fact]
    public async Task Commands_not_marked_rerunnable_run_once_each_with_a_savepoint()
    {
        using var store = Open("once.db");
        await using var writer = new StoreWriter(store, [], NullLogger<StoreWriter>.Instance);

        var (runs, results) = await RunOneBatchAsync(writer, count: 4, failing: 1, rerunnable: false, PutMeta("q"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => results[1]);
        var succeeded = await Task.WhenAll(results.Where((_, i) => i != 1));
        Assert.Equal(["done 0", "done 2", "done 3"], succeeded);
        Assert.All(runs, count => Assert.Equal(1, count));
        Assert.Equal(["default/podstatus/q0", "default/podstatus/q2", "default/podstatus/q3"],
            (await store.ListMetaAsync("podstatus", CancellationToken.None)).Select(r => r.Key));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_receipt_is_found_again_only_if_its_unit_committed_in_the_same_batch_or_after_a_restart(bool rerunnable)
    {
        var ids = Enumerable.Range(0, 8).Select(_ => Guid.NewGuid().ToString()).ToArray();
        var seenInBatch = new string?[8];
        using (var store = Open("receipts.db"))
        {
            await using var writer = new StoreWriter(store, [], NullLogger<StoreWriter>.Instance);
            var (_, results) = await RunOneBatchAsync(writer, count: 8, failing: 5, rerunnable, (tx, i) =>
            {
                Assert.Null(tx.ClaimReceipt(ids[i], $"answer {i}"));
                // Unit 7 also meets a resend of unit 2's message, claimed earlier in the same transaction.
                seenInBatch[i] = i == 7 ? tx.ClaimReceipt(ids[2], "not this one") : null;
            });
            await Assert.ThrowsAsync<InvalidOperationException>(() => results[5]);
            Assert.Equal("answer 2", seenInBatch[7]);

            // Every committed unit's message is a resend now; the failed unit's message is new.
            var again = await writer.ExecuteAsync(tx => ids.Select(id => tx.ClaimReceipt(id, "second")).ToArray());
            Assert.Equal(["answer 0", "answer 1", "answer 2", "answer 3", "answer 4", "(new)", "answer 6", "answer 7"], again.Select(a => a ?? "(new)"));
        }

        using (var store = Open("receipts.db"))
        {
            await using var writer = new StoreWriter(store, [], NullLogger<StoreWriter>.Instance);
            var afterRestart = await writer.ExecuteAsync(tx => ids.Select(id => tx.ClaimReceipt(id, "third")).ToArray());
            Assert.Equal(["answer 0", "answer 1", "answer 2", "answer 3", "answer 4", "second", "answer 6", "answer 7"], afterRestart.Select(a => a ?? "(new)"));
        }
    }

    [Fact]
    public async Task Receipts_are_kept_findable_up_to_the_capacity_newest_first_and_pruned_by_age_and_capacity()
    {
        var ids = Enumerable.Range(0, 150).Select(_ => Guid.NewGuid().ToString()).ToArray();
        using (var store = Open("bounded.db", receiptCapacity: 100))
        {
            await using var writer = new StoreWriter(store, [], NullLogger<StoreWriter>.Instance);
            foreach (var chunk in ids.Index().Chunk(40))
            {
                await writer.ExecuteAsync(tx => chunk.Select(c => tx.ClaimReceipt(c.Item, $"answer {c.Index}")).ToArray());
            }

            // The oldest 50 are forgotten (found as new, and claimed again); the newest 100 are still resends.
            var claims = await writer.ExecuteAsync(tx => ids.Select(id => tx.ClaimReceipt(id, "again")).ToArray());
            Assert.All(claims.Take(50), Assert.Null);
            Assert.Equal(Enumerable.Range(50, 100).Select(i => $"answer {i}"), claims.Skip(50));

            // Pruning by an age nobody is older than still deletes the rows the index no longer holds: the first
            // round's oldest 100 (the first 50 of them claimed again since, as new rows).
            Assert.Equal(100, await writer.PruneReceiptsAsync(DateTimeOffset.UtcNow.AddHours(-1)));
        }

        using (var store = Open("bounded.db", receiptCapacity: 100))
        {
            await using var writer = new StoreWriter(store, [], NullLogger<StoreWriter>.Instance);
            // Rebuilt at start: the newest 100 receipts are the 50 claimed again and the last 50 of the first round.
            var claims = await writer.ExecuteAsync(tx => ids.Select(id => tx.ClaimReceipt(id, "third")).ToArray());
            Assert.Equal(Enumerable.Repeat("again", 50), claims.Take(50));
            Assert.All(claims.Skip(50).Take(50), Assert.Null);
            Assert.Equal(Enumerable.Range(100, 50).Select(i => $"answer {i}"), claims.Skip(100));

            // Past the retention, every receipt is forgotten and its row deleted.
            Assert.Equal(150, await writer.PruneReceiptsAsync(DateTimeOffset.UtcNow.AddMinutes(1)));
            Assert.Null(await writer.ExecuteAsync(tx => tx.ClaimReceipt(ids[149], "fourth")));
        }
    }

    [Fact]
    public async Task Receipts_written_under_the_fourth_schema_are_found_after_the_migration()
    {
        var path = Path.Combine(_folder.Path, "schema4.db");
        var ids = Enumerable.Range(0, 3).Select(_ => Guid.NewGuid().ToString()).ToArray();
        using (var db = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            db.Open();
            global::MetaServer.Data.Migrations.Migrator.Apply(db, [.. global::MetaServer.Data.Migrations.Schema.Migrations.Where(m => m.Version <= 4)]);
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            // Inserted out of time order, as the old table (keyed by msg_id) held them.
            db.Execute("INSERT INTO message_receipts (msg_id, answer, processed_at) VALUES (@Id, @Answer, @At)",
                ids.Select((id, i) => new { Id = id, Answer = $"old {i}", At = now - (1000 * i) }).Reverse());
        }

        using var store = Open("schema4.db", receiptCapacity: 2);
        await using var writer = new StoreWriter(store, [], NullLogger<StoreWriter>.Instance);
        // The index keeps the newest two by processing time: the first id's receipt is the youngest.
        var claims = await writer.ExecuteAsync(tx => ids.Select(id => tx.ClaimReceipt(id, "new")).ToArray());
        Assert.Equal(["old 0", "old 1", "(new)"], claims.Select(a => a ?? "(new)"));
    }

    [Fact]
    public async Task Committed_rows_reach_the_database_file_itself_while_the_writer_runs()
    {
        using var store = Open("checkpointed.db");
        var path = store.FilePath;
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

    private SqliteStore Open(string file, int receiptCapacity = 262_144)
    {
        var store = new SqliteStore(new StoreOptions { Path = Path.Combine(_folder.Path, file), Synchronous = "NORMAL", ReceiptCapacity = receiptCapacity });
        store.Initialize();
        return store;
    }

    private static Action<IWriteTransaction, int> PutMeta(string prefix) =>
        (tx, i) => tx.PutMeta($"default/podstatus/{prefix}{i}", "podstatus", $"{{\"n\":{i}}}");

    /// <summary>
    /// Queues <paramref name="count"/> commands behind a held writer, so they share one batch: each counts its runs
    /// and does its <paramref name="work"/>; command <paramref name="failing"/> then throws. Returns once the batch
    /// is released.
    /// </summary>
    private static async Task<(int[] Runs, Task<string>[] Results)> RunOneBatchAsync(StoreWriter writer, int count, int failing, bool rerunnable,
        Action<IWriteTransaction, int> work)
    {
        // Hold the writer (once its batch has started) so the commands below queue up and share the next batch.
        using var started = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var holding = writer.ExecuteAsync(_ =>
        {
            started.Set();
            return release.Wait(TimeSpan.FromSeconds(10));
        });
        Assert.True(started.Wait(TimeSpan.FromSeconds(10)));
        var runs = new int[count];
        var results = new Task<string>[count];
        for (var i = 0; i < count; i++)
        {
            var me = i;
            results[i] = await writer.QueueAsync(tx =>
            {
                Interlocked.Increment(ref runs[me]);
                work(tx, me);
                return me == failing ? throw new InvalidOperationException($"unit {me} fails after writing") : $"done {me}";
            }, rerunnable);
        }

        release.Set();
        Assert.True(await holding);
        return (runs, results);
    }
}
