using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using MetaServer.Domain.Messages;
using MetaServer.IntegrationTests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace MetaServer.IntegrationTests.MetaManager;

/// <summary>
/// Delivery guarantees: a resent message is answered again and never applied twice (across restarts too); a node
/// agent in another process reaches the MetaManager through the Unix socket; and every acknowledged message's effect
/// survives the process being killed.
/// </summary>
public sealed class MetaManagerDeliveryTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string DatabasePath => Path.Combine(_folder.Path, "edgemeta.db");

    [Fact]
    public async Task A_resent_message_is_answered_with_the_same_answer_and_not_applied_again_even_after_a_restart()
    {
        var insert = MetaManagerHarness.From(Sources.EdgeController, Operations.Insert, "default/configmap/once", MetaManagerHarness.ConfigMap("once", "first"));
        // The same id with other content: a resend is recognised by its id, and what it carries is not applied.
        var resend = insert with { Content = MetaManagerHarness.ConfigMap("once", "second") };
        string version;
        Message firstAnswer;
        await using (var h = new MetaManagerHarness(DatabasePath))
        {
            await h.SendAsync(insert);
            await h.SendAsync(resend);
            await h.BarrierAsync();

            firstAnswer = await MetaManagerHarness.NextAsync(h.Cloud);
            var secondAnswer = await MetaManagerHarness.NextAsync(h.Cloud);
            Assert.Equal((insert.Header.Id, Message.Ok), (firstAnswer.Header.ParentId!, firstAnswer.ContentText()!));
            Assert.Equal(Wire(firstAnswer), Wire(secondAnswer));
            // Forwarded to the agent once.
            Assert.Equal(insert.Header.Id, (await MetaManagerHarness.NextAsync(h.Agent)).Header.Id);
            MetaManagerHarness.Empty(h.Agent);

            var (_, stored) = await h.Client.GetJsonAsync("/api/v1/namespaces/default/configmaps/once");
            Assert.Equal("first", stored["data"]!["k"]!.GetValue<string>());
            version = stored.Meta("resourceVersion");
        }

        await using (var h = new MetaManagerHarness(DatabasePath))
        {
            await h.SendAsync(resend);
            await h.BarrierAsync();

            Assert.Equal(Wire(firstAnswer), Wire(await MetaManagerHarness.NextAsync(h.Cloud)));
            MetaManagerHarness.Empty(h.Agent);
            var (_, stored) = await h.Client.GetJsonAsync("/api/v1/namespaces/default/configmaps/once");
            Assert.Equal(("first", version), (stored["data"]!["k"]!.GetValue<string>(), stored.Meta("resourceVersion")));
        }
    }

    [Fact]
    public async Task An_update_that_changes_nothing_commits_nothing_and_any_real_change_commits_whatever_its_length()
    {
        await using var h = new MetaManagerHarness(DatabasePath);
        async Task<(string Data, string Version)> SendAndReadAsync(string data, string? upstream = null)
        {
            var content = MetaManagerHarness.ConfigMap("same", data);
            if (upstream is not null)
            {
                content["metadata"]!["resourceVersion"] = upstream;
            }

            // A new message each time (its own id): not a resend, a write to decide.
            await h.SendAsync(MetaManagerHarness.From(Sources.EdgeController, Operations.Update, "default/configmap/same", content));
            await h.BarrierAsync();
            var answer = await MetaManagerHarness.NextAsync(h.Cloud);
            Assert.Equal(Message.Ok, answer.ContentText());
            var (_, stored) = await h.Client.GetJsonAsync("/api/v1/namespaces/default/configmaps/same");
            return (stored["data"]!["k"]!.GetValue<string>(), stored.Meta("resourceVersion"));
        }

        var (_, created) = await SendAndReadAsync("aa");
        // The same object again: nothing committed, the revision stays.
        Assert.Equal(("aa", created), await SendAndReadAsync("aa"));
        // Another object of the very same length: compared byte for byte, and committed.
        var (sameLength, afterSameLength) = await SendAndReadAsync("bb");
        Assert.Equal("bb", sameLength);
        Assert.True(long.Parse(afterSameLength) > long.Parse(created));
        // Another length: committed without reading the stored bytes.
        var (longer, afterLonger) = await SendAndReadAsync("ccc");
        Assert.Equal("ccc", longer);
        Assert.True(long.Parse(afterLonger) > long.Parse(afterSameLength));
        // The same object under a new version from the cloud: the version is news, so it commits.
        var (_, afterUpstream) = await SendAndReadAsync("ccc", upstream: "42");
        Assert.True(long.Parse(afterUpstream) > long.Parse(afterLonger));
        Assert.Equal(("ccc", afterUpstream), await SendAndReadAsync("ccc", upstream: "42"));
    }

    private static string Wire(Message message) => System.Text.Encoding.UTF8.GetString(MessageJson.ToUtf8Bytes(message));

    [Fact]
    public async Task Objects_the_cloud_sends_over_the_socket_are_stored_as_sent_with_the_local_revision_and_the_clouds_kept_aside()
    {
        var socket = Path.Combine(_folder.Path, "cloud.sock");
        await using var server = new EdgeMetaServer(databasePath: DatabasePath,
            settings: new() { ["Bus:SocketPath"] = socket, ["Bus:SocketModule"] = "websocket" });
        var http = server.CreateClient();
        using var cloud = await BeehiveSocketClient.ConnectAsync(socket);
        // As the cloud writes them (compact, Go's escapes), and three that need filling in or checking: a
        // resourceVersion written with spaces, none at all (nor a namespace), a cluster-scoped kind with a namespace.
        var cases = new (string Resource, string Content, string Upstream)[]
        {
            ("default/pod/sent", """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"sent","namespace":"default","resourceVersion":"4242","labels":{"app":"web"},"annotations":{"note":"a \u003c b"}},"spec":{"nodeName":"edge-1","containers":[{"name":"c","image":"nginx"}]},"status":{"phase":"Running"}}""", "4242"),
            ("default/pod/spaced", """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"spaced","namespace":"default","resourceVersion": "77","labels":{"app":"web"}},"spec":{"nodeName":"edge-2"}}""", "77"),
            ("default/pod/bare", """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"bare","labels":{"app":"db"}},"spec":{"nodeName":"edge-1"}}""", ""),
            ("default/node/edge-1", """{"apiVersion":"v1","kind":"Node","metadata":{"name":"edge-1","namespace":"default","resourceVersion":"9"}}""", "9"),
            ("default/configmap/plain", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"plain","namespace":"default"},"data":{"k":"v"}}""", ""),
            ("default/configmap/empty", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{ "namespace":"default", "name":"empty" }}""", ""),
        };
        foreach (var (resource, content, _) in cases)
        {
            await cloud.SendJsonAsync($$"""{"header":{"msg_id":"{{resource}}","timestamp":1},"route":{"source":"edgecontroller","group":"resource","operation":"insert","resource":"{{resource}}"},"content":{{content}}}""");
            Assert.Equal("OK", (await cloud.ReceiveAsync())["content"]!.GetValue<string>());
        }

        // Stored as sent, but for the revision: the local one in the object, the cloud's kept aside.
        var (_, sent) = await http.GetJsonAsync("/api/v1/namespaces/default/pods/sent");
        var expected = JsonNode.Parse(cases[0].Content)!;
        expected["metadata"]!["resourceVersion"] = sent.Meta("resourceVersion");
        Assert.True(JsonNode.DeepEquals(expected, sent), sent.ToJsonString());
        Assert.Equal("a < b", sent["metadata"]!["annotations"]!["note"]!.GetValue<string>());
        var (_, bare) = await http.GetJsonAsync("/api/v1/namespaces/default/pods/bare");
        Assert.Equal("default", bare.Meta("namespace"));
        var (_, node) = await http.GetJsonAsync("/api/v1/nodes/edge-1");
        Assert.Null(node["metadata"]!["namespace"]);
        foreach (var name in new[] { "plain", "empty" })
        {
            var (code, configMap) = await http.GetJsonAsync("/api/v1/namespaces/default/configmaps/" + name);
            Assert.Equal(HttpStatusCode.OK, code);
            var local = configMap.Meta("resourceVersion");
            Assert.True(long.Parse(local) > 0, configMap.ToJsonString());
            Assert.Equal(name, configMap.Meta("name"));
        }

        using (var db = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly;Pooling=False"))
        {
            db.Open();
            var upstream = db.Query<(string Name, string? Version)>("SELECT name, upstream_resource_version FROM meta_v2 WHERE gvr IN ('core/v1/pods', 'core/v1/nodes', 'core/v1/configmaps')")
                .ToDictionary(r => r.Name, r => r.Version ?? "");
            Assert.Equal(cases.ToDictionary(c => c.Resource.Split('/')[2], c => c.Upstream), upstream);
        }

        // Selectors see their labels and fields.
        static async Task<string> Names(HttpClient http, string query) =>
            string.Join(",", (await http.GetJsonAsync("/api/v1/namespaces/default/pods?" + query)).Body["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()));
        Assert.Equal("sent,spaced", await Names(http, "labelSelector=app%3Dweb"));
        Assert.Equal("bare,sent", await Names(http, "fieldSelector=spec.nodeName%3Dedge-1"));
        Assert.Equal("sent", await Names(http, "fieldSelector=status.phase%3DRunning"));
    }

    [Fact]
    public async Task A_node_agent_in_another_process_talks_to_the_metamanager_through_the_unix_socket()
    {
        var socket = Path.Combine(_folder.Path, "meta.sock");
        await using var server = new EdgeMetaServer(databasePath: DatabasePath, settings: new() { ["Bus:SocketPath"] = socket });
        var http = server.CreateClient();
        await http.PostJsonAsync("/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"app-config"},"data":{"mode":"edge"}}""");
        using var agent = await BeehiveSocketClient.ConnectAsync(socket);

        // The agent asks for a configmap: answered from the store (not connected) with the request's id as parent.
        await agent.SendJsonAsync("""
            {"header":{"msg_id":"q-1","timestamp":1,"sync":true},"route":{"source":"edged","group":"meta","operation":"query","resource":"default/configmap/app-config"},"content":null}
            """);
        var answer = await agent.ReceiveAsync();
        Assert.Equal("q-1", answer["header"]!["parent_msg_id"]!.GetValue<string>());
        var row = JsonNode.Parse(Assert.Single(answer["content"]!.AsArray())!.GetValue<string>())!;
        Assert.Equal("edge", row["data"]!["mode"]!.GetValue<string>());

        // It reports a pod status: stored, and answered OK.
        await agent.SendJsonAsync("""
            {"header":{"msg_id":"s-1","timestamp":2},"route":{"source":"edged","group":"meta","operation":"update","resource":"default/podstatus/web"},"content":{"phase":"Running"}}
            """);
        var ok = await agent.ReceiveAsync();
        Assert.Equal(("s-1", "OK"), (ok["header"]!["parent_msg_id"]!.GetValue<string>(), ok["content"]!.GetValue<string>()));

        // What the cloud sends for the agent reaches it over the socket.
        var bus = (Api.Bus.MessageBus)server.Services.GetService(typeof(Api.Bus.MessageBus))!;
        await bus.SendAsync(ModuleNames.MetaManager, MetaManagerHarness.From(Sources.EdgeController, Operations.Insert, "default/pod/web", MetaManagerHarness.Pod("web")));
        var pushed = await agent.ReceiveAsync();
        Assert.Equal(("insert", "default/pod/web"), (pushed["route"]!["operation"]!.GetValue<string>(), pushed["route"]!["resource"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_graceful_stop_under_load_ends_watches_cleanly_loses_no_acknowledged_message_and_is_prompt()
    {
        var socket = Path.Combine(_folder.Path, "meta.sock");
        var acknowledged = new ConcurrentDictionary<string, string>();
        await using (var server = await ServerProcess.StartAsync(DatabasePath, $"--Bus:SocketPath={socket}", "--Bus:SocketModule=websocket"))
        {
            using var http = new HttpClient { BaseAddress = server.Address, Timeout = Timeout.InfiniteTimeSpan };
            // The watch is on pods, which the load does not write, so it is not cut off as a slow reader under
            // the load: what is tested is how it ends when the server stops.
            var list = (await http.GetJsonAsync("/api/v1/namespaces/default/pods")).Body;
            using var watchResponse = await http.GetAsync("/api/v1/namespaces/default/pods?watch=true&resourceVersion=" + list.Meta("resourceVersion"),
                HttpCompletionOption.ResponseHeadersRead);
            var events = new List<string>();
            var watch = Task.Run(async () =>
            {
                using var reader = new StreamReader(await watchResponse.Content.ReadAsStreamAsync());
                while (await reader.ReadLineAsync() is { } line)
                {
                    events.Add(line);
                }
            });
            Assert.Equal(System.Net.HttpStatusCode.Created, (await http.PostJsonAsync("/api/v1/namespaces/default/pods", KubeHttp.Pod("watched"))).Code);

            var load = await CloudPeerLoad.StartAsync(socket, "g", acknowledged);
            await Task.Delay(TimeSpan.FromMilliseconds(1200));
            var (exitCode, took) = await server.TerminateAsync(TimeSpan.FromSeconds(30));
            await load.DisposeAsync();
            Assert.Equal(0, exitCode);
            Assert.True(took < TimeSpan.FromSeconds(15), $"the stop took {took}");
            // The watch ended as a stream ends (no reset, no half line), after the event it had.
            await watch.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Contains("\"type\":\"ADDED\"", Assert.Single(events));
        }

        Assert.True(acknowledged.Count > 50, $"only {acknowledged.Count} messages were acknowledged");
        await using var after = await ServerProcess.StartAsync(DatabasePath);
        using var check = new HttpClient { BaseAddress = after.Address };
        var stored = (await check.GetJsonAsync("/api/v1/namespaces/default/configmaps")).Body["items"]!.AsArray()
            .Select(i => i!["metadata"]!["name"]!.GetValue<string>()).ToHashSet();
        var missing = acknowledged.Keys.Where(k => !stored.Contains(k)).ToArray();
        Assert.True(missing.Length == 0, $"{missing.Length} acknowledged messages lost, e.g. {string.Join(", ", missing.Take(5))}");
    }

    [Fact]
    public async Task Every_acknowledged_message_is_stored_after_SIGKILL_and_restart_three_times_over()
    {
        var socket = Path.Combine(_folder.Path, "meta.sock");
        var acknowledged = new ConcurrentDictionary<string, string>();
        for (var round = 0; round < 3; round++)
        {
            await using var server = await ServerProcess.StartAsync(DatabasePath, $"--Bus:SocketPath={socket}", "--Bus:SocketModule=websocket");
            // The test plays the cloud: it is the socket's peer module ("websocket"), so the OK answers come to it.
            var load = await CloudPeerLoad.StartAsync(socket, $"r{round}", acknowledged);
            await Task.Delay(TimeSpan.FromMilliseconds(1500));
            server.Kill();
            await load.DisposeAsync();
        }

        Assert.True(acknowledged.Count > 100, $"only {acknowledged.Count} messages were acknowledged");
        await using var after = await ServerProcess.StartAsync(DatabasePath);
        using var http = new HttpClient { BaseAddress = after.Address };
        var (code, list) = await http.GetJsonAsync("/api/v1/namespaces/default/configmaps");
        Assert.Equal(HttpStatusCode.OK, code);
        var stored = list["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()).ToHashSet();
        var missing = acknowledged.Keys.Where(k => !stored.Contains(k)).ToArray();
        Assert.True(missing.Length == 0, $"{missing.Length} acknowledged messages lost, e.g. {string.Join(", ", missing.Take(5))}");
        after.Kill();

        using var db = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly;Pooling=False");
        db.Open();
        Assert.Equal("ok", db.QuerySingle<string>("PRAGMA integrity_check"));
        // Each stored object has its receipt: what makes a resend after the crash harmless.
        Assert.True(db.QuerySingle<long>("SELECT COUNT(*) FROM message_receipts") >= acknowledged.Count);
    }
}
