using MetaServer.Data;
using MetaServer.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace MetaServer.IntegrationTests.Storage;

/// <summary>
/// A batch of rerunnable commands runs without a savepoint per unit; one that fails must still fail alone: the
/// batch is rolled back and run again with savepoints, so the others commit once and the failed one leaves nothing.
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

        var (runs, results) = await RunOneBatchAsync(writer, "p", count: 8, failing: 5, rerunnable: true);

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

        var (runs, results) = await RunOneBatchAsync(writer, "q", count: 4, failing: 1, rerunnable: false);

        await Assert.ThrowsAsync<InvalidOperationException>(() => results[1]);
        var succeeded = await Task.WhenAll(results.Where((_, i) => i != 1));
        Assert.Equal(["done 0", "done 2", "done 3"], succeeded);
        Assert.All(runs, count => Assert.Equal(1, count));
        Assert.Equal(["default/podstatus/q0", "default/podstatus/q2", "default/podstatus/q3"],
            (await store.ListMetaAsync("podstatus", CancellationToken.None)).Select(r => r.Key));
    }

    private SqliteStore Open(string file)
    {
        var store = new SqliteStore(new StoreOptions { Path = Path.Combine(_folder.Path, file), Synchronous = "NORMAL" });
        store.Initialize();
        return store;
    }

    /// <summary>
    /// Queues <paramref name="count"/> commands behind a held writer, so they share one batch: each counts its runs
    /// and writes a meta row; command <paramref name="failing"/> then throws. Returns once the batch is released.
    /// </summary>
    private static async Task<(int[] Runs, Task<string>[] Results)> RunOneBatchAsync(StoreWriter writer, string prefix, int count, int failing, bool rerunnable)
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
                tx.PutMeta($"default/podstatus/{prefix}{me}", "podstatus", $"{{\"n\":{me}}}");
                return me == failing ? throw new InvalidOperationException($"unit {me} fails after writing") : $"done {me}";
            }, rerunnable);
        }

        release.Set();
        Assert.True(await holding);
        return (runs, results);
    }
}
