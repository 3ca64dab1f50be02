using System.Net;
using System.Text.Json.Nodes;
using MetaServer.Api.Watch;
using MetaServer.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MetaServer.IntegrationTests.Watch;

/// <summary>Watch semantics through the real pipeline: start points, selectors, bookmarks, history and its end.</summary>
public sealed class WatchTests() : ServerTest(new()
{
    ["Watch:BookmarkInterval"] = "00:00:00.300",
    ["Watch:HistoryMaxChanges"] = "5",
    ["Watch:CompactionInterval"] = "01:00:00",
})
{
    private Task<(HttpStatusCode, JsonObject)> CreateConfigMapAsync(string name, string labels = "{}", string ns = "default") =>
        Client.PostJsonAsync($"/api/v1/namespaces/{ns}/configmaps", $$$"""{"metadata":{"name":"{{{name}}}","labels":{{{labels}}}},"data":{"v":"1"}}""");

    [Fact]
    public async Task A_watch_without_resourceVersion_sends_the_current_state_then_the_changes()
    {
        await CreateConfigMapAsync("before");
        await using var watch = await WatchStream.OpenAsync(Client, "/api/v1/namespaces/default/configmaps?watch=true");

        var first = await watch.NextChangeAsync();
        Assert.Equal(("ADDED", "before"), (first.Type, first.Object.Meta("name")));

        await CreateConfigMapAsync("after");
        await Client.PatchJsonAsync("/api/v1/namespaces/default/configmaps/after", """{"data":{"v":"2"}}""", "application/merge-patch+json");
        await Client.DeleteJsonAsync("/api/v1/namespaces/default/configmaps/after");

        var events = new[] { await watch.NextChangeAsync(), await watch.NextChangeAsync(), await watch.NextChangeAsync() };
        Assert.Equal(["ADDED", "MODIFIED", "DELETED"], events.Select(e => e.Type));
        Assert.All(events, e => Assert.Equal("after", e.Object.Meta("name")));
        Assert.Equal("2", events[1].Object["data"]!["v"]!.GetValue<string>());
        var revisions = events.Select(e => long.Parse(e.Object.Meta("resourceVersion"))).ToArray();
        Assert.True(revisions[0] < revisions[1] && revisions[1] < revisions[2]);
    }

    [Fact]
    public async Task A_watch_from_a_resourceVersion_sends_exactly_the_changes_after_it()
    {
        var (_, a) = await CreateConfigMapAsync("a");
        await CreateConfigMapAsync("b");
        await Client.DeleteJsonAsync("/api/v1/namespaces/default/configmaps/a");

        await using var watch = await WatchStream.OpenAsync(Client, $"/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={a.Meta("resourceVersion")}");

        var first = await watch.NextChangeAsync();
        var second = await watch.NextChangeAsync();
        Assert.Equal(("ADDED", "b"), (first.Type, first.Object.Meta("name")));
        Assert.Equal(("DELETED", "a"), (second.Type, second.Object.Meta("name")));
    }

    [Fact]
    public async Task Watches_see_only_their_namespace_and_the_all_namespaces_watch_sees_all()
    {
        await Client.PostJsonAsync("/api/v1/namespaces", """{"metadata":{"name":"other"}}""");
        await using var ns = await WatchStream.OpenAsync(Client, "/api/v1/namespaces/other/configmaps?watch=true&resourceVersion=0");
        await using var all = await WatchStream.OpenAsync(Client, "/api/v1/configmaps?watch=true&resourceVersion=0");

        await CreateConfigMapAsync("here");
        await CreateConfigMapAsync("there", ns: "other");

        Assert.Equal("there", (await ns.NextChangeAsync()).Object.Meta("name"));
        Assert.Equal(["here", "there"], [(await all.NextChangeAsync()).Object.Meta("name"), (await all.NextChangeAsync()).Object.Meta("name")]);
    }

    [Fact]
    public async Task Changes_committed_together_arrive_as_separate_complete_lines_in_order_each_to_its_watchers()
    {
        await Client.PostJsonAsync("/api/v1/namespaces", """{"metadata":{"name":"other"}}""");
        await using var here = await WatchStream.OpenAsync(Client, "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=0");
        await using var there = await WatchStream.OpenAsync(Client, "/api/v1/namespaces/other/configmaps?watch=true&resourceVersion=0");
        await using var all = await WatchStream.OpenAsync(Client, "/api/v1/configmaps?watch=true&resourceVersion=0");
        await using var even = await WatchStream.OpenAsync(Client, "/api/v1/configmaps?watch=true&resourceVersion=0&labelSelector=even%3Dyes");

        // Concurrent writes are committed in groups: first a burst in one namespace (a group entirely under the
        // namespaced watcher's prefix), then a burst across both (groups it sees only part of).
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => CreateConfigMapAsync($"a{i}")));
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            CreateConfigMapAsync($"b{i}", i % 2 == 0 ? """{"even":"yes"}""" : "{}", i % 3 == 0 ? "other" : "default")));

        var expectedHere = Enumerable.Range(0, 40).Select(i => $"a{i}").Concat(Enumerable.Range(0, 40).Where(i => i % 3 != 0).Select(i => $"b{i}")).ToHashSet();
        var expectedThere = Enumerable.Range(0, 40).Where(i => i % 3 == 0).Select(i => $"b{i}").ToHashSet();
        var expectedEven = Enumerable.Range(0, 40).Where(i => i % 2 == 0).Select(i => $"b{i}").ToHashSet();
        Assert.Equal(expectedHere, await NamesInOrderAsync(here, expectedHere.Count));
        Assert.Equal(expectedThere, await NamesInOrderAsync(there, expectedThere.Count));
        Assert.Equal(expectedHere.Union(expectedThere).ToHashSet(), await NamesInOrderAsync(all, 80));
        Assert.Equal(expectedEven, await NamesInOrderAsync(even, expectedEven.Count));

        // Each line is one whole ADDED event (NextAsync parses it), revisions only go up, no name comes twice.
        static async Task<HashSet<string>> NamesInOrderAsync(WatchStream watch, int count)
        {
            var names = new HashSet<string>();
            var last = 0L;
            for (var i = 0; i < count; i++)
            {
                var (type, obj) = await watch.NextChangeAsync();
                var revision = long.Parse(obj.Meta("resourceVersion"));
                Assert.Equal("ADDED", type);
                Assert.True(revision > last, $"revision {revision} after {last}");
                Assert.True(names.Add(obj.Meta("name")), $"{obj.Meta("name")} twice");
                last = revision;
            }

            return names;
        }
    }

    [Fact]
    public async Task Label_selector_changes_become_ADDED_and_DELETED_for_the_watcher()
    {
        await using var watch = await WatchStream.OpenAsync(Client, "/api/v1/namespaces/default/configmaps?watch=true&labelSelector=tier%3Dfront");

        await CreateConfigMapAsync("x", """{"tier":"back"}""");
        await Client.PatchJsonAsync("/api/v1/namespaces/default/configmaps/x", """{"metadata":{"labels":{"tier":"front"}}}""", "application/merge-patch+json");
        await Client.PatchJsonAsync("/api/v1/namespaces/default/configmaps/x", """{"data":{"v":"9"}}""", "application/merge-patch+json");
        await Client.PatchJsonAsync("/api/v1/namespaces/default/configmaps/x", """{"metadata":{"labels":{"tier":"back"}}}""", "application/merge-patch+json");
        await Client.DeleteJsonAsync("/api/v1/namespaces/default/configmaps/x");
        await CreateConfigMapAsync("y", """{"tier":"front"}""");

        var seen = new List<(string, string)>();
        for (var i = 0; i < 4; i++)
        {
            var e = await watch.NextChangeAsync();
            seen.Add((e.Type, e.Object.Meta("name")));
        }

        Assert.Equal([("ADDED", "x"), ("MODIFIED", "x"), ("DELETED", "x"), ("ADDED", "y")], seen);
    }

    [Fact]
    public async Task Field_selectors_and_the_legacy_watch_path_watch_one_object()
    {
        await CreateConfigMapAsync("one");
        await CreateConfigMapAsync("two");
        await using var legacy = await WatchStream.OpenAsync(Client, "/api/v1/watch/namespaces/default/configmaps/two");

        var first = await legacy.NextChangeAsync();
        await Client.PatchJsonAsync("/api/v1/namespaces/default/configmaps/one", """{"data":{"v":"x"}}""", "application/merge-patch+json");
        await Client.PatchJsonAsync("/api/v1/namespaces/default/configmaps/two", """{"data":{"v":"y"}}""", "application/merge-patch+json");
        var second = await legacy.NextChangeAsync();

        Assert.Equal(("ADDED", "two"), (first.Type, first.Object.Meta("name")));
        Assert.Equal(("MODIFIED", "two"), (second.Type, second.Object.Meta("name")));
    }

    [Fact]
    public async Task A_resourceVersion_older_than_the_retained_window_gets_a_410_Expired_ERROR_event()
    {
        var (_, first) = await CreateConfigMapAsync("c0");
        for (var i = 1; i < 12; i++)
        {
            await CreateConfigMapAsync("c" + i);
        }

        var compacted = await Server.Services.GetRequiredService<ChangeLogCompactor>().CompactOnceAsync(CancellationToken.None);
        Assert.True(compacted > long.Parse(first.Meta("resourceVersion")));

        await using var watch = await WatchStream.OpenAsync(Client, $"/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={first.Meta("resourceVersion")}");
        var error = await watch.NextAsync();

        Assert.Equal(HttpStatusCode.OK, watch.Response.StatusCode);
        Assert.Equal("ERROR", error!.Value.Type);
        Assert.Equal(410, error.Value.Object["code"]!.GetValue<int>());
        Assert.Equal("Expired", error.Value.Object["reason"]!.GetValue<string>());
        Assert.StartsWith("too old resource version", error.Value.Object["message"]!.GetValue<string>());
        Assert.Null(await watch.NextAsync());

        // From the compaction point itself, resuming still works: the retained changes, in order, then new ones.
        await using var recent = await WatchStream.OpenAsync(Client, $"/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={compacted}");
        await CreateConfigMapAsync("fresh");
        var names = new List<string>();
        var expectedRevision = compacted + 1;
        while (names.LastOrDefault() != "fresh")
        {
            var e = await recent.NextChangeAsync();
            Assert.Equal(expectedRevision++, long.Parse(e.Object.Meta("resourceVersion")));
            names.Add(e.Object.Meta("name"));
        }

        Assert.Equal(["c7", "c8", "c9", "c10", "c11", "fresh"], names);
    }

    [Fact]
    public async Task Bookmarks_carry_the_revision_the_watcher_is_caught_up_to()
    {
        await using var watch = await WatchStream.OpenAsync(Client, "/api/v1/namespaces/default/configmaps?watch=true&allowWatchBookmarks=true&resourceVersion=0");
        var (_, created) = await CreateConfigMapAsync("bm");
        Assert.Equal("ADDED", (await watch.NextChangeAsync()).Type);

        // A write elsewhere moves the store's revision; the bookmark must carry at least it.
        var (_, other) = await Client.PostJsonAsync("/api/v1/namespaces/default/secrets", """{"metadata":{"name":"s"}}""");
        (string Type, JsonObject Object)? bookmark;
        do
        {
            bookmark = await watch.NextAsync(TimeSpan.FromSeconds(5));
        }
        while (bookmark is { Type: "BOOKMARK" } b && long.Parse(b.Object.Meta("resourceVersion")) < long.Parse(other.Meta("resourceVersion")));

        Assert.Equal("BOOKMARK", bookmark!.Value.Type);
        Assert.Equal("ConfigMap", bookmark.Value.Object["kind"]!.GetValue<string>());
        Assert.True(long.Parse(bookmark.Value.Object.Meta("resourceVersion")) >= long.Parse(created.Meta("resourceVersion")));
    }

    [Fact]
    public async Task Watch_list_sends_initial_events_then_the_initial_events_end_bookmark()
    {
        await CreateConfigMapAsync("i1");
        await CreateConfigMapAsync("i2");

        await using var watch = await WatchStream.OpenAsync(Client,
            "/api/v1/namespaces/default/configmaps?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true");

        var e1 = await watch.NextAsync();
        var e2 = await watch.NextAsync();
        var end = await watch.NextAsync();
        Assert.Equal([("ADDED", "i1"), ("ADDED", "i2")], new[] { (e1!.Value.Type, e1.Value.Object.Meta("name")), (e2!.Value.Type, e2.Value.Object.Meta("name")) });
        Assert.Equal("BOOKMARK", end!.Value.Type);
        Assert.Equal("true", end.Value.Object["metadata"]!["annotations"]!["k8s.io/initial-events-end"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("sendInitialEvents=true&allowWatchBookmarks=true", 422)]
    [InlineData("sendInitialEvents=true&resourceVersionMatch=NotOlderThan", 422)]
    [InlineData("resourceVersionMatch=Exact", 422)]
    [InlineData("resourceVersion=abc", 400)]
    [InlineData("labelSelector=a%20in%20(", 400)]
    public async Task Bad_watch_parameters_return_a_Status(string query, int code)
    {
        var (status, body) = await Client.GetJsonAsync("/api/v1/namespaces/default/configmaps?watch=true&" + query);

        Assert.Equal(code, (int)status);
        Assert.Equal("Status", body["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task TimeoutSeconds_ends_the_stream_cleanly()
    {
        await using var watch = await WatchStream.OpenAsync(Client, "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=0&timeoutSeconds=1");

        var started = DateTime.UtcNow;
        Assert.Null(await watch.NextAsync(TimeSpan.FromSeconds(10)));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(8));
    }

    [Fact]
    public async Task List_then_watch_under_concurrent_writes_loses_and_duplicates_nothing()
    {
        for (var round = 0; round < 5; round++)
        {
            using var stop = new CancellationTokenSource();
            var writer = Task.Run(async () =>
            {
                var n = 0;
                while (!stop.IsCancellationRequested)
                {
                    var name = $"r{round}-{n % 7}";
                    switch (n++ % 3)
                    {
                        case 0: await CreateConfigMapAsync(name); break;
                        case 1: await Client.PatchJsonAsync($"/api/v1/namespaces/default/configmaps/{name}", $$$"""{"data":{"n":"{{{n}}}"}}""", "application/merge-patch+json"); break;
                        default: await Client.DeleteJsonAsync($"/api/v1/namespaces/default/configmaps/{name}"); break;
                    }
                }
            });

            await Task.Delay(30);
            var (_, list) = await Client.GetJsonAsync("/api/v1/namespaces/default/configmaps");
            var state = list["items"]!.AsArray().ToDictionary(i => i!.AsObject().Meta("name"), i => i!.AsObject().Meta("resourceVersion"));
            var lastRevision = long.Parse(list.Meta("resourceVersion"));
            await using var watch = await WatchStream.OpenAsync(Client, $"/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={lastRevision}");
            await Task.Delay(100);
            stop.Cancel();
            await writer;

            var (_, final) = await Client.GetJsonAsync("/api/v1/namespaces/default/configmaps");
            var target = long.Parse(final.Meta("resourceVersion"));
            var expected = final["items"]!.AsArray().ToDictionary(i => i!.AsObject().Meta("name"), i => i!.AsObject().Meta("resourceVersion"));
            while (lastRevision < target && expected.Count > 0 || !DictionaryEquals(state, expected))
            {
                var (type, obj) = await watch.NextChangeAsync();
                var revision = long.Parse(obj.Meta("resourceVersion"));
                Assert.True(revision > lastRevision, $"event at {revision} after {lastRevision}: reordered or duplicated");
                lastRevision = revision;
                if (type == "DELETED")
                {
                    Assert.True(state.Remove(obj.Meta("name")), $"DELETED for {obj.Meta("name")} that the watcher did not have");
                }
                else
                {
                    Assert.Equal(type == "ADDED", !state.ContainsKey(obj.Meta("name")));
                    state[obj.Meta("name")] = obj.Meta("resourceVersion");
                }
            }

            Assert.Equal(expected.OrderBy(p => p.Key), state.OrderBy(p => p.Key));
        }
    }

    private static bool DictionaryEquals(Dictionary<string, string> a, Dictionary<string, string> b) =>
        a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var v) && v == p.Value);
}
