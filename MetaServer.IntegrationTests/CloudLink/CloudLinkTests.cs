using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using MetaServer.IntegrationTests.Infrastructure;

namespace MetaServer.IntegrationTests.CloudLink;

/// <summary>
/// Edge mode against a real upstream: a second EdgeMeta in standalone mode on another loopback port plays the
/// cloud (it speaks the Kubernetes API, so the link code is the one that talks to a real cluster).
/// </summary>
public sealed class CloudLinkTests : IDisposable
{
    private static readonly TimeSpan Converge = TimeSpan.FromSeconds(20);
    private readonly TempFolder _folder = new();
    private readonly int _cloudPort = FreePort();

    public void Dispose() => _folder.Dispose();

    private string CloudDb => Path.Combine(_folder.Path, "cloud.db");

    private string EdgeDb => Path.Combine(_folder.Path, "edge.db");

    private EdgeMetaServer StartCloud(bool onItsPort = true)
    {
        var settings = onItsPort ? new Dictionary<string, string> { ["Kestrel:Endpoints:Http:Url"] = $"http://127.0.0.1:{_cloudPort}" } : null;
        var cloud = new EdgeMetaServer(kestrel: true, databasePath: CloudDb, settings: settings);
        _ = cloud.Address;
        return cloud;
    }

    private EdgeMetaServer StartEdge(Dictionary<string, string>? extra = null, bool kestrel = true)
    {
        // Quick to notice the cloud going and coming back, so the tests stay short.
        var settings = new Dictionary<string, string>
        {
            ["CloudLink:Server"] = $"http://127.0.0.1:{_cloudPort}",
            ["CloudLink:ProbeIntervalSeconds"] = "1",
            ["CloudLink:RequestTimeoutSeconds"] = "3",
            ["CloudLink:MinBackoffMilliseconds"] = "100",
            ["CloudLink:MaxBackoffSeconds"] = "1",
            ["MetaManager:NodeName"] = "edge-1",
        };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        return new EdgeMetaServer(kestrel: kestrel, databasePath: EdgeDb, settings: settings);
    }

    [Fact]
    public async Task The_edge_syncs_its_scope_serves_it_offline_across_a_restart_and_converges_when_the_cloud_returns()
    {
        var cloud = StartCloud();
        var c = new HttpClient { BaseAddress = cloud.Address };
        await SeedCloudAsync(c);

        var edge = StartEdge();
        var e = new HttpClient { BaseAddress = edge.Address };

        // Sync in: the node's scope, and nothing else.
        await EventuallyAsync(async () => await Names(e, "/api/v1/pods") == "p1,p3", "the node's pods");
        await EventuallyAsync(async () => await Names(e, "/api/v1/configmaps") == "cm1", "the referenced configmap only");
        await EventuallyAsync(async () => await Names(e, "/api/v1/secrets") == "s1", "the referenced secret only");
        await EventuallyAsync(async () => await Names(e, "/api/v1/services") == "svc1", "services");
        await EventuallyAsync(async () => await Names(e, "/api/v1/nodes") == "edge-1", "its node only");
        await EventuallyAsync(async () => await Names(e, "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases") == "edge-1", "its lease");
        var kubectl = new Kubectl(edge.Address, _folder.Path);
        var pods = await kubectl.RunAsync("get", "pods", "-o", "name");
        Assert.Equal("pod/p1\npod/p3", pods.Stdout.Trim());

        // An upstream change reaches a local watcher.
        var list = (await e.GetJsonAsync("/api/v1/namespaces/default/configmaps")).Body;
        await using (var watch = await WatchStream.OpenAsync(e, "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=" + list.Meta("resourceVersion")))
        {
            Assert.Equal(HttpStatusCode.OK, (await c.PatchJsonAsync("/api/v1/namespaces/default/configmaps/cm1", """{"data":{"k":"v2"}}""", "application/merge-patch+json")).Code);
            var modified = await watch.NextChangeAsync(Converge);
            Assert.Equal(("MODIFIED", "v2"), (modified.Type, modified.Object["data"]!["k"]!.GetValue<string>()));
        }

        // Writes go to the cloud while connected; the cloud's answer is what the client gets.
        var (created, body) = await e.PostJsonAsync("/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"from-edge"},"data":{"a":"1"}}""");
        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Equal(HttpStatusCode.OK, (await c.GetJsonAsync("/api/v1/namespaces/default/configmaps/from-edge")).Code);
        var updated = await e.PutJsonAsync("/api/v1/namespaces/default/configmaps/from-edge",
            $$$"""{"metadata":{"name":"from-edge","resourceVersion":"{{{body.Meta("resourceVersion")}}}"},"data":{"a":"2"}}""");
        Assert.Equal(HttpStatusCode.OK, updated.Code);

        // The cloud goes away.
        await cloud.DisposeAsync();
        await EventuallyAsync(async () => await CloudConnectedAsync(e) == false, "the link notices the cloud is gone");

        // Reads and watches keep working from the cache; a write that needs the cloud is refused at once.
        Assert.Equal(HttpStatusCode.OK, (await e.GetJsonAsync("/api/v1/namespaces/default/pods/p1")).Code);
        await using (var watch = await WatchStream.OpenAsync(e, "/api/v1/namespaces/default/pods?watch=true"))
        {
            Assert.Equal("ADDED", (await watch.NextChangeAsync()).Type);
        }

        var (refused, status) = await e.PostJsonAsync("/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"offline"}}""");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused);
        Assert.Equal("ServiceUnavailable", status["reason"]!.GetValue<string>());
        Assert.Contains("unreachable", status["message"]!.GetValue<string>());

        // A node-owned write (pod status) is kept and queued for the cloud.
        var p1 = (await e.GetJsonAsync("/api/v1/namespaces/default/pods/p1")).Body;
        p1["status"] = new JsonObject { ["phase"] = "Running", ["podIP"] = "10.1.2.3" };
        Assert.Equal(HttpStatusCode.OK, (await e.PutJsonAsync("/api/v1/namespaces/default/pods/p1/status", p1.ToJsonString())).Code);
        Assert.Equal(1, await OutboxDepthAsync(e));

        // The edge restarts while the cloud is still down, and still serves.
        await edge.DisposeAsync();
        edge = StartEdge();
        e = new HttpClient { BaseAddress = edge.Address };
        Assert.Equal("p1,p3", await Names(e, "/api/v1/pods"));
        Assert.Equal("Running", (await e.GetJsonAsync("/api/v1/namespaces/default/pods/p1")).Body["status"]!["phase"]!.GetValue<string>());
        Assert.Equal(1, await OutboxDepthAsync(e));

        // Meanwhile in the cloud (where the edge cannot see it): a pod deleted, a configmap changed.
        await using (var away = StartCloud(onItsPort: false))
        {
            var a = new HttpClient { BaseAddress = away.Address };
            Assert.Equal(HttpStatusCode.OK, (await a.DeleteJsonAsync("/api/v1/namespaces/default/pods/p3")).Code);
            Assert.Equal(HttpStatusCode.OK, (await a.PatchJsonAsync("/api/v1/namespaces/default/configmaps/cm1", """{"data":{"k":"v3"}}""", "application/merge-patch+json")).Code);
        }

        // The cloud comes back: the outbox is drained into it and the edge converges to exactly its state.
        await using (cloud = StartCloud())
        {
            c = new HttpClient { BaseAddress = cloud.Address };
            await EventuallyAsync(async () => await Names(e, "/api/v1/pods") == "p1", "the pod deleted upstream is deleted here");
            await EventuallyAsync(async () => (await e.GetJsonAsync("/api/v1/namespaces/default/configmaps/cm1")).Body["data"]?["k"]?.GetValue<string>() == "v3",
                "the configmap changed upstream is changed here");
            await EventuallyAsync(async () => await OutboxDepthAsync(e) == 0, "the outbox drains");
            var upstreamP1 = (await c.GetJsonAsync("/api/v1/namespaces/default/pods/p1")).Body;
            Assert.Equal(("Running", "10.1.2.3"), (upstreamP1["status"]!["phase"]!.GetValue<string>(), upstreamP1["status"]!["podIP"]!.GetValue<string>()));
            foreach (var path in new[] { "/api/v1/pods", "/api/v1/configmaps", "/api/v1/secrets", "/api/v1/services" })
            {
                await EventuallyAsync(async () => await Contents(e, path) == await Scoped(c, path), $"{path} matches the cloud");
            }
        }

        await edge.DisposeAsync();
    }

    [Fact]
    public async Task Disconnect_and_reconnect_cycles_under_steady_upstream_writes_leave_the_edge_equal_to_the_cloud()
    {
        var cloud = StartCloud();
        await using var edge = StartEdge();
        var e = edge.CreateClient();
        using var stop = new CancellationTokenSource();
        var writes = 0;
        // A steady writer on the cloud: pods on this node created, relabelled and deleted, across the outages.
        var writer = Task.Run(async () =>
        {
            using var c = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_cloudPort}"), Timeout = TimeSpan.FromSeconds(2) };
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                try
                {
                    var name = $"w{n % 40}";
                    var path = $"/api/v1/namespaces/default/pods/{name}";
                    var (code, _) = (n / 40 % 3) switch
                    {
                        0 => await c.PostJsonAsync("/api/v1/namespaces/default/pods", Pod(name, "edge-1", "", """ "env":[] """)),
                        1 => await c.PatchJsonAsync(path, $$$"""{"metadata":{"labels":{"n":"{{{n}}}"} } }""", "application/merge-patch+json"),
                        _ => await c.DeleteJsonAsync(path),
                    };
                    if ((int)code < 300)
                    {
                        Interlocked.Increment(ref writes);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    // The cloud is down this moment: the write is not made, and the cloud stays the truth.
                }

                await Task.Delay(5);
            }
        });

        for (var cycle = 0; cycle < 4; cycle++)
        {
            await EventuallyAsync(async () => await CloudConnectedAsync(e) == true, $"connected in cycle {cycle}");
            await Task.Delay(300);
            await cloud.DisposeAsync();
            await EventuallyAsync(async () => await CloudConnectedAsync(e) == false, $"disconnected in cycle {cycle}");
            cloud = StartCloud();
        }

        await Task.Delay(300);
        await stop.CancelAsync();
        await writer;
        await using (cloud)
        {
            var c = new HttpClient { BaseAddress = cloud.Address };
            Assert.True(writes > 50, $"only {writes} upstream writes were made");
            await EventuallyAsync(async () => await Contents(e, "/api/v1/pods") == await Scoped(c, "/api/v1/pods"), "the edge's pods equal the cloud's");
        }
    }

    [Fact]
    public async Task A_delete_the_cloud_only_begins_keeps_the_object_terminating_until_the_cloud_removes_it()
    {
        await using var cloud = StartCloud();
        var c = new HttpClient { BaseAddress = cloud.Address };
        Assert.Equal(HttpStatusCode.Created, (await c.PostJsonAsync("/api/v1/namespaces/default/pods",
            """{"metadata":{"name":"held","finalizers":["example.com/cleanup"]},"spec":{"nodeName":"edge-1","containers":[{"name":"c","image":"nginx"}]}}""")).Code);
        await using var edge = StartEdge(kestrel: false);
        var e = edge.CreateClient();
        await EventuallyAsync(async () => await Names(e, "/api/v1/pods") == "held", "the pod is synced");

        var (code, answer) = await e.DeleteJsonAsync("/api/v1/namespaces/default/pods/held");

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.NotNull(answer["metadata"]!["deletionTimestamp"]);
        var (kept, local) = await e.GetJsonAsync("/api/v1/namespaces/default/pods/held");
        Assert.Equal(HttpStatusCode.OK, kept);
        Assert.NotNull(local["metadata"]!["deletionTimestamp"]);

        // The cloud finishes the deletion (its finalizer is removed): the edge follows.
        Assert.Equal(HttpStatusCode.OK, (await c.PatchJsonAsync("/api/v1/namespaces/default/pods/held",
            """{"metadata":{"finalizers":null}}""", "application/merge-patch+json")).Code);
        await EventuallyAsync(async () => (await e.GetJsonAsync("/api/v1/namespaces/default/pods/held")).Code == HttpStatusCode.NotFound,
            "the pod goes when the cloud removes it");
    }

    [Fact]
    public async Task A_custom_resource_listed_in_configuration_is_synced_with_its_definition()
    {
        await using var cloud = StartCloud();
        var c = new HttpClient { BaseAddress = cloud.Address };
        var (defined, answer) = await c.PostJsonAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", """
            {"metadata":{"name":"sensors.edge.example.com"},
             "spec":{"group":"edge.example.com","scope":"Namespaced","names":{"plural":"sensors","singular":"sensor","kind":"Sensor"},
                     "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}
            """);
        Assert.True(defined == HttpStatusCode.Created, answer.ToJsonString());
        await EventuallyAsync(async () => (await c.PostJsonAsync("/apis/edge.example.com/v1/namespaces/default/sensors",
            """{"apiVersion":"edge.example.com/v1","kind":"Sensor","metadata":{"name":"t1"},"spec":{"unit":"C"}}""")).Code == HttpStatusCode.Created,
            "the cloud serves the custom resource");

        await using var edge = StartEdge(new() { ["CloudLink:ExtraResources:0"] = "edge.example.com/v1/sensors" }, kestrel: false);
        var e = edge.CreateClient();
        await EventuallyAsync(async () => await Names(e, "/apis/edge.example.com/v1/sensors") == "t1", "the sensor is synced");
        Assert.Equal("C", (await e.GetJsonAsync("/apis/edge.example.com/v1/namespaces/default/sensors/t1")).Body["spec"]!["unit"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.OK, (await c.PatchJsonAsync("/apis/edge.example.com/v1/namespaces/default/sensors/t1", """{"spec":{"unit":"F"}}""", "application/merge-patch+json")).Code);
        await EventuallyAsync(async () => (await e.GetJsonAsync("/apis/edge.example.com/v1/namespaces/default/sensors/t1")).Body["spec"]?["unit"]?.GetValue<string>() == "F",
            "a change to it upstream is seen here");
    }

    [Fact]
    public async Task Authorization_synced_from_the_cloud_decides_the_same_while_the_cloud_is_unreachable()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var cloud = StartCloud();
        var c = new HttpClient { BaseAddress = cloud.Address };
        foreach (var (path, body) in new[]
        {
            ("/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles", """{"metadata":{"name":"cm-reader"},"rules":[{"apiGroups":[""],"resources":["configmaps"],"verbs":["get","list"]}]}"""),
            ("/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings", """{"metadata":{"name":"reader"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"cm-reader"},"subjects":[{"kind":"ServiceAccount","name":"reader","namespace":"default"}]}"""),
        })
        {
            Assert.Equal(HttpStatusCode.Created, (await c.PostJsonAsync(path, body)).Code);
        }

        var settings = new Dictionary<string, string>
        {
            ["Security:Mode"] = "Enforce",
            ["Security:ServiceAccounts:Issuers:0"] = TestTokens.Issuer,
            ["Security:ServiceAccounts:KeyFiles:0"] = TestTokens.WritePublicKey(key, _folder.Path, "sa"),
        };
        await using var edge = StartEdge(settings, kestrel: false);
        var reader = edge.CreateClient();
        reader.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer",
            TestTokens.ServiceAccount(key, "default", "reader"));
        await EventuallyAsync(async () => (await reader.GetJsonAsync("/api/v1/namespaces/default/configmaps")).Code == HttpStatusCode.OK,
            "the role binding synced from the cloud allows the reader to list configmaps");

        async Task AssertDecisionsAsync()
        {
            Assert.Equal(HttpStatusCode.OK, (await reader.GetJsonAsync("/api/v1/namespaces/default/configmaps")).Code);
            var (code, status) = await reader.DeleteJsonAsync("/api/v1/namespaces/default/configmaps/anything");
            Assert.Equal(HttpStatusCode.Forbidden, code);
            Assert.Contains("system:serviceaccount:default:reader", status["message"]!.GetValue<string>());
            Assert.Equal(HttpStatusCode.Forbidden, (await reader.GetJsonAsync("/api/v1/namespaces/default/secrets")).Code);
            var anonymous = edge.CreateClient();
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetJsonAsync("/api/v1/namespaces/default/configmaps")).Code);
        }

        await AssertDecisionsAsync();
        await cloud.DisposeAsync();
        await EventuallyAsync(async () => (await (await edge.CreateClient().GetAsync("/readyz?verbose")).Content.ReadAsStringAsync()).Contains("disconnected"),
            "the edge notices the cloud is gone");
        await AssertDecisionsAsync();
    }

    [Fact]
    public async Task A_token_the_edge_cannot_verify_is_reviewed_by_the_cloud_and_the_answer_lasts_through_an_outage()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        // Only the cloud knows the service account issuer's key.
        var cloud = new EdgeMetaServer(kestrel: true, databasePath: CloudDb, settings: new()
        {
            ["Kestrel:Endpoints:Http:Url"] = $"http://127.0.0.1:{_cloudPort}",
            ["Security:ServiceAccounts:Issuers:0"] = TestTokens.Issuer,
            ["Security:ServiceAccounts:KeyFiles:0"] = TestTokens.WritePublicKey(key, _folder.Path, "sa"),
        });
        var c = new HttpClient { BaseAddress = cloud.Address };
        Assert.Equal(HttpStatusCode.Created, (await c.PostJsonAsync("/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings",
            """{"metadata":{"name":"reader"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"cm-reader"},"subjects":[{"kind":"ServiceAccount","name":"reader","namespace":"default"}]}""")).Code);
        Assert.Equal(HttpStatusCode.Created, (await c.PostJsonAsync("/apis/rbac.authorization.k8s.io/v1/clusterroles",
            """{"metadata":{"name":"cm-reader"},"rules":[{"apiGroups":[""],"resources":["configmaps"],"verbs":["list"]}]}""")).Code);

        await using var edge = StartEdge(new() { ["Security:Mode"] = "Enforce" }, kestrel: false);
        HttpClient As(string token)
        {
            var client = edge.CreateClient();
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            return client;
        }

        var reader = As(TestTokens.ServiceAccount(key, "default", "reader"));
        await EventuallyAsync(async () => (await reader.GetJsonAsync("/api/v1/namespaces/default/configmaps")).Code == HttpStatusCode.OK,
            "the cloud vouches for the token and the synced binding allows the list");
        using var strangerKey = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        Assert.Equal(HttpStatusCode.Unauthorized, (await As(TestTokens.ServiceAccount(strangerKey, "default", "reader")).GetJsonAsync("/api/v1/namespaces/default/configmaps")).Code);

        await cloud.DisposeAsync();
        await EventuallyAsync(async () => (await (await edge.CreateClient().GetAsync("/readyz?verbose")).Content.ReadAsStringAsync()).Contains("disconnected"),
            "the edge notices the cloud is gone");
        // The cached review lasts the token's lifetime; a token never seen cannot be vouched for while offline.
        Assert.Equal(HttpStatusCode.OK, (await reader.GetJsonAsync("/api/v1/namespaces/default/configmaps")).Code);
        Assert.Equal(HttpStatusCode.Unauthorized, (await As(TestTokens.ServiceAccount(key, "default", "other")).GetJsonAsync("/api/v1/namespaces/default/configmaps")).Code);
    }

    private static async Task SeedCloudAsync(HttpClient c)
    {
        foreach (var (path, body) in new[]
        {
            ("/api/v1/nodes", """{"metadata":{"name":"edge-1"}}"""),
            ("/api/v1/nodes", """{"metadata":{"name":"other-node"}}"""),
            ("/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"cm1"},"data":{"k":"v1"}}"""),
            ("/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"cm2"},"data":{"k":"not for this node"}}"""),
            ("/api/v1/namespaces/default/secrets", """{"metadata":{"name":"s1"},"data":{"t":"c2VjcmV0"}}"""),
            ("/api/v1/namespaces/default/secrets", """{"metadata":{"name":"s2"},"data":{"t":"b3RoZXI="}}"""),
            ("/api/v1/namespaces/default/services", """{"metadata":{"name":"svc1"},"spec":{"ports":[{"port":80}]}}"""),
            ("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases", """{"metadata":{"name":"edge-1"},"spec":{"holderIdentity":"edge-1"}}"""),
            ("/api/v1/namespaces/default/pods", Pod("p1", "edge-1", """ "volumes":[{"name":"cfg","configMap":{"name":"cm1"}}], """, """ "env":[{"name":"T","valueFrom":{"secretKeyRef":{"name":"s1","key":"t"}}}] """)),
            ("/api/v1/namespaces/default/pods", Pod("p2", "other-node", """ "volumes":[{"name":"cfg","configMap":{"name":"cm2"}}], """, """ "env":[] """)),
            ("/api/v1/namespaces/default/pods", Pod("p3", "edge-1", "", """ "env":[] """)),
        })
        {
            var (code, answer) = await c.PostJsonAsync(path, body);
            Assert.True(code == HttpStatusCode.Created, $"{path}: {code} {answer.ToJsonString()}");
        }
    }

    private static string Pod(string name, string node, string volumes, string env) => $$$"""
        {"metadata":{"name":"{{{name}}}"},"spec":{"nodeName":"{{{node}}}",{{{volumes}}}"containers":[{"name":"c","image":"nginx",{{{env}}}}]}}
        """;

    private static async Task<string> Names(HttpClient client, string path)
    {
        var (_, list) = await client.GetJsonAsync(path);
        return string.Join(",", (list["items"] as JsonArray ?? []).Select(i => i!["metadata"]!["name"]!.GetValue<string>()).Order());
    }

    // What the edge holds of a type: names and contents, without the fields each server stamps itself.
    private static async Task<string> Contents(HttpClient client, string path)
    {
        var (_, list) = await client.GetJsonAsync(path);
        return string.Join("\n", (list["items"] as JsonArray ?? []).Select(i => Comparable(i!.AsObject())).Order());
    }

    // The cloud's objects of a type that are in the edge node's scope.
    private static async Task<string> Scoped(HttpClient client, string path)
    {
        var (_, list) = await client.GetJsonAsync(path);
        var items = (list["items"] as JsonArray ?? []).Select(i => i!.AsObject()).ToList();
        var pods = path.EndsWith("/pods", StringComparison.Ordinal);
        var referenced = path.EndsWith("/configmaps", StringComparison.Ordinal) ? "cm1" : path.EndsWith("/secrets", StringComparison.Ordinal) ? "s1" : null;
        return string.Join("\n", items
            .Where(i => !pods || i["spec"]?["nodeName"]?.GetValue<string>() == "edge-1")
            .Where(i => referenced is null || i.Meta("name") == referenced)
            .Select(Comparable).Order());
    }

    private static string Comparable(JsonObject item)
    {
        var copy = item.DeepClone().AsObject();
        copy["metadata"]!.AsObject().Remove("resourceVersion");
        return copy.ToJsonString();
    }

    private static async Task<bool?> CloudConnectedAsync(HttpClient edge) =>
        (await edge.GetJsonAsync("/edgemeta/status")).Body["cloud"]?["connected"]?.GetValue<bool>();

    private static async Task<long> OutboxDepthAsync(HttpClient edge) =>
        (await edge.GetJsonAsync("/edgemeta/status")).Body["cloud"]!["outboxDepth"]!.GetValue<long>();

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Converge;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for: {what}");
            await Task.Delay(100);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
