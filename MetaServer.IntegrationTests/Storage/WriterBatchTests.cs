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
        using var store = new SqliteStore(new StoreOptions { Path = Path.Combine(_folder.Path, "batch.db"), Synchronous = "NORMAL" });
        store.Initialize();
        await using var writer = new StoreWriter(store, [], NullLogger<StoreWriter>.Instance);

        // Hold the writer (once its batch has started) so the commands below queue up and share the next batch.
        using var started = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var holding = writer.ExecuteAsync(_ =>
        {
            started.Set();
            return release.Wait(TimeSpan.FromSeconds(10));
        });
        Assert.True(started.Wait(TimeSpan.FromSeconds(10)));
        var runs = new int[8];
        var results = new List<Task<string>>();
        for (var i = 0; i < runs.Length; i++)
        {
            var me = i;
            results.Add(await writer.QueueAsync(tx =>
            {
                Interlocked.Increment(ref runs[me]);
                tx.PutMeta($"default/podstatus/p{me}", "podstatus", $"{{\"n\":{me}}}");
                return me == 5 ? throw new InvalidOperationException("unit 5 fails after writing") : $"done {me}";
            }, rerunnable: true));
        }

        release.Set();
        Assert.True(await holding);
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
        using var store = new SqliteStore(new StoreOptions { Path = Path.Combine(_folder.Path, "once.db"), Synchronous = "NORMAL" });
        store.Initialize();
        await using var writer = new StoreWriter(store, [], NullLogger<StoreWriter>.Instance);
        using var started = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var holding = writer.ExecuteAsync(_ =>
        {
            started.Set();
            return release.Wait(TimeSpan.FromSeconds(10));
        });
        Assert.True(started.Wait(TimeSpan.FromSeconds(10)));
        var runs = new int[4];
        var results = new List<Task<int>>();
        for (var i = 0; i < runs.Length; i++)
        {
            var me = i;
            results.Add(await writer.QueueAsync(tx =>
            {
                Interlocked.Increment(ref runs[me]);
                tx.PutMeta($"default/podstatus/q{me}", "podstatus", "{}");
                return me == 1 ? throw new InvalidOperationException("unit 1 fails") : me;
            }));
        }

        release.Set();
        await holding;
        await Assert.ThrowsAsync<InvalidOperationException>(() => results[1]);
        var succeeded = await Task.WhenAll(results.Where((_, i) => i != 1));
        Assert.Equal([0, 2, 3], succeeded);
        Assert.All(runs, count => Assert.Equal(1, count));
        Assert.Equal(["default/podstatus/q0", "default/podstatus/q2", "default/podstatus/q3"],
            (await store.ListMetaAsync("podstatus", CancellationToken.None)).Select(r => r.Key));
    }
}
