using System.Net.Sockets;
using System.Text;
using MetaServer.Api.Watch;
using MetaServer.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MetaServer.IntegrationTests.Watch;

/// <summary>Watches across a restart, a consumer that stops reading, and a server that shuts down.</summary>
public sealed class WatchLifecycleTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private string DatabasePath => Path.Combine(_folder.Path, "edgemeta.db");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_client_that_reconnects_after_a_restart_gets_exactly_the_changes_it_missed()
    {
        string lastSeen;
        await using (var first = new EdgeMetaServer(databasePath: DatabasePath))
        {
            var client = first.CreateClient();
            var (_, seen) = await client.PostJsonAsync("/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"seen"}}""");
            lastSeen = seen.Meta("resourceVersion");
            await client.PostJsonAsync("/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"missed-1"}}""");
            await client.DeleteJsonAsync("/api/v1/namespaces/default/configmaps/seen");
        }

        await using var second = new EdgeMetaServer(databasePath: DatabasePath);
        var again = second.CreateClient();
        await using var watch = await WatchStream.OpenAsync(again, $"/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={lastSeen}");
        await again.PostJsonAsync("/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"after-restart"}}""");

        var events = new[] { await watch.NextChangeAsync(), await watch.NextChangeAsync(), await watch.NextChangeAsync() };
        Assert.Equal([("ADDED", "missed-1"), ("DELETED", "seen"), ("ADDED", "after-restart")],
            events.Select(e => (e.Type, e.Object.Meta("name"))));
    }

    [Fact]
    public async Task A_watcher_that_keeps_up_is_not_cut_off_by_one_commit_larger_than_its_queue()
    {
        await using var server = new EdgeMetaServer(databasePath: DatabasePath, settings: new() { ["Watch:QueueCapacity"] = "16" });
        var client = server.CreateClient();
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => client.PostJsonAsync("/api/v1/namespaces/default/configmaps", $$$"""{"metadata":{"name":"c{{{i}}}"}}""")));
        await using var watch = await WatchStream.OpenAsync(client, "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=0");
        for (var i = 0; i < 40; i++)
        {
            Assert.Equal("ADDED", (await watch.NextChangeAsync()).Type);
        }

        // One delete-collection: its 40 deletes are committed together as far as the writer can group them.
        await client.DeleteJsonAsync("/api/v1/namespaces/default/configmaps");

        var deleted = new HashSet<string>();
        for (var i = 0; i < 40; i++)
        {
            var e = await watch.NextChangeAsync();
            Assert.Equal("DELETED", e.Type);
            deleted.Add(e.Object.Meta("name"));
        }

        Assert.Equal(40, deleted.Count);
        Assert.Equal(0, server.Services.GetRequiredService<WatchHub>().CutOffCount);
    }

    [Fact]
    public async Task A_watcher_that_stops_reading_is_cut_off_without_holding_up_writers_or_other_watchers()
    {
        await using var server = new EdgeMetaServer(kestrel: true, databasePath: DatabasePath, settings: new() { ["Watch:QueueCapacity"] = "16" });
        var client = server.CreateClient();
        var hub = server.Services.GetRequiredService<WatchHub>();

        // A raw socket that sends the request and then never reads: the server's writes back up into the socket.
        using var stalled = new TcpClient();
        stalled.ReceiveBufferSize = 4096;
        await stalled.ConnectAsync(server.Address.Host, server.Address.Port);
        await stalled.GetStream().WriteAsync(Encoding.ASCII.GetBytes(
            $"GET /api/v1/namespaces/default/configmaps?watch=true&resourceVersion=0 HTTP/1.1\r\nHost: {server.Address.Authority}\r\n\r\n"));
        await WaitUntilAsync(() => hub.ActiveWatchers == 1);
        await using var healthy = await WatchStream.OpenAsync(client, "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=0");
        await WaitUntilAsync(() => hub.ActiveWatchers == 2);

        var payload = new string('x', 16 * 1024);
        var writes = Task.Run(async () =>
        {
            for (var i = 0; i < 600; i++)
            {
                var (code, _) = await client.PostJsonAsync("/api/v1/namespaces/default/configmaps", $$$"""{"metadata":{"name":"big-{{{i}}}"},"data":{"x":"{{{payload}}}"}}""");
                Assert.Equal(System.Net.HttpStatusCode.Created, code);
            }
        });

        // The healthy watcher keeps receiving while the stalled one backs up.
        for (var i = 0; i < 600; i++)
        {
            var e = await healthy.NextChangeAsync(TimeSpan.FromSeconds(30));
            Assert.Equal($"big-{i}", e.Object.Meta("name"));
        }

        await writes.WaitAsync(TimeSpan.FromSeconds(60));
        await WaitUntilAsync(() => hub.CutOffCount == 1 && hub.ActiveWatchers == 1);
    }

    [Fact]
    public async Task Open_watches_end_cleanly_when_the_server_stops()
    {
        var server = new EdgeMetaServer(kestrel: true, databasePath: DatabasePath);
        var client = new HttpClient { BaseAddress = server.Address };
        await using var watch = await WatchStream.OpenAsync(client, "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=0");
        await WaitUntilAsync(() => server.Services.GetRequiredService<WatchHub>().ActiveWatchers == 1);

        var stopping = server.DisposeAsync().AsTask();

        Assert.Null(await watch.NextAsync(TimeSpan.FromSeconds(10)));
        await stopping.WaitAsync(TimeSpan.FromSeconds(20));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached in 30 s");
            await Task.Delay(20);
        }
    }
}
