using System.Net;
using System.Text.Json.Nodes;
using MetaServer.Domain.Messages;
using MetaServer.IntegrationTests.Infrastructure;

namespace MetaServer.IntegrationTests.MetaManager;

/// <summary>
/// Every operation × source × connected/disconnected through the running MetaManager: what is stored (read back
/// through the Kubernetes API or the agent's query), what is sent where, and what the sender is answered.
/// </summary>
public sealed class MetaManagerRoutingTests : IAsyncLifetime
{
    private MetaManagerHarness _h = null!;

    public Task InitializeAsync()
    {
        _h = new MetaManagerHarness();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    /// <summary>Where a message should go once stored.</summary>
    public enum To
    {
        Nobody,
        Agent,
        Cloud,
        Twin,
        TwinAndAgent,
    }

    /// <summary>What the sender should hear.</summary>
    public enum Answer
    {
        None,
        OkToCloud,
        OkToAgent,
        ErrorToCloud,
        ErrorToAgent,
    }

    // operation, source, resource, connected, stored?, forwarded to, answer
    public static TheoryData<string, string, string, bool, bool, To, Answer> Applied()
    {
        var data = new TheoryData<string, string, string, bool, bool, To, Answer>();
        foreach (var connected in new[] { false, true })
        {
            data.Add(Operations.Insert, Sources.EdgeController, "default/configmap/cm", connected, true, To.Agent, Answer.OkToCloud);
            data.Add(Operations.Insert, Sources.DynamicController, "default/configmap/cm", connected, true, To.Agent, Answer.OkToCloud);
            data.Add(Operations.Insert, Sources.DeviceController, "default/configmap/cm", connected, true, To.Twin, Answer.OkToCloud);
            data.Add(Operations.Insert, Sources.PolicyController, "default/configmap/cm", connected, true, To.Nobody, Answer.OkToCloud);
            data.Add(Operations.Update, Sources.EdgeController, "default/configmap/cm", connected, true, To.Agent, Answer.OkToCloud);
            data.Add(Operations.Update, Sources.DynamicController, "default/configmap/cm", connected, true, To.Agent, Answer.OkToCloud);
            data.Add(Operations.Update, Sources.DeviceController, "default/configmap/cm", connected, true, To.Twin, Answer.OkToCloud);
            data.Add(Operations.Update, Sources.PolicyController, "default/configmap/cm", connected, true, To.Nobody, Answer.OkToCloud);
            data.Add(Operations.Update, ModuleNames.Edged, "default/configmap/cm", connected, true, To.Cloud, Answer.OkToAgent);
            // KubeEdge stores an update from a source it does not know and only logs it; the sender is told here.
            data.Add(Operations.Update, "stranger", "default/configmap/cm", connected, true, To.Nobody, Answer.ErrorToCloud);
            data.Add(Operations.Patch, ModuleNames.Edged, "default/configmap/cm", connected, true, To.Cloud, Answer.None);
            data.Add(Operations.Response, Sources.EdgeController, "default/configmap/cm", connected, true, To.Agent, Answer.None);
            data.Add(Operations.Response, Sources.CloudHub, "default/configmap/cm", connected, true, To.Cloud, Answer.None);
            // An insert from the agent is the cloud's to make: refused while there is no cloud.
            if (!connected)
            {
                data.Add(Operations.Insert, ModuleNames.Edged, "default/configmap/cm", connected, false, To.Nobody, Answer.ErrorToAgent);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Applied))]
    public async Task A_message_is_stored_forwarded_and_answered_by_the_rules(string operation, string source, string resource,
        bool connected, bool stored, To forwarded, Answer answer)
    {
        await _h.ConnectAsync(connected);
        var message = MetaManagerHarness.From(source, operation, resource, MetaManagerHarness.ConfigMap("cm", "v1"));

        await _h.SendAsync(message);
        await _h.BarrierAsync();

        var (code, body) = await _h.Client.GetJsonAsync("/api/v1/namespaces/default/configmaps/cm");
        Assert.Equal(stored ? HttpStatusCode.OK : HttpStatusCode.NotFound, code);
        if (stored)
        {
            Assert.Equal("v1", body["data"]!["k"]!.GetValue<string>());
        }

        // The forward comes before the answer, on the same inboxes.
        if (forwarded is To.Agent or To.TwinAndAgent)
        {
            AssertForwarded(await MetaManagerHarness.NextAsync(_h.Agent), message);
        }

        if (forwarded is To.Cloud)
        {
            AssertForwarded(await MetaManagerHarness.NextAsync(_h.Cloud), message);
        }

        if (forwarded is To.Twin or To.TwinAndAgent)
        {
            var twin = await MetaManagerHarness.NextAsync(_h.Twin);
            Assert.Equal(message.Header.Id, twin.Header.Id);
            Assert.Equal(("meta", GroupNames.Twin), (twin.Route.Source!, twin.Route.Group!));
        }

        switch (answer)
        {
            case Answer.OkToCloud:
                AssertAnswer(await MetaManagerHarness.NextAsync(_h.Cloud), message, Operations.Response, Message.Ok);
                break;
            case Answer.OkToAgent:
                AssertAnswer(await MetaManagerHarness.NextAsync(_h.Agent), message, Operations.Response, Message.Ok);
                break;
            case Answer.ErrorToCloud:
                AssertAnswer(await MetaManagerHarness.NextAsync(_h.Cloud), message, Operations.Error, null);
                break;
            case Answer.ErrorToAgent:
                AssertAnswer(await MetaManagerHarness.NextAsync(_h.Agent), message, Operations.Error, null);
                break;
        }

        MetaManagerHarness.Empty(_h.Agent);
        MetaManagerHarness.Empty(_h.Cloud);
        MetaManagerHarness.Empty(_h.Twin);
    }

    private static void AssertForwarded(Message received, Message sent)
    {
        Assert.Equal(sent.Header.Id, received.Header.Id);
        Assert.Equal(sent.Route.Operation, received.Route.Operation);
        Assert.Equal(sent.Route.Resource, received.Route.Resource);
    }

    private static void AssertAnswer(Message received, Message request, string operation, string? content)
    {
        Assert.Equal(operation, received.Route.Operation);
        Assert.Equal(request.Header.Id, received.Header.ParentId);
        Assert.Equal(ModuleNames.MetaManager, received.Route.Source);
        if (content is not null)
        {
            Assert.Equal(content, received.ContentText());
        }
        else
        {
            Assert.False(string.IsNullOrEmpty(received.ContentText()), "an error carries its reason");
        }
    }

    [Fact]
    public async Task A_delete_from_the_cloud_removes_the_object_tells_the_agent_and_answers_ok()
    {
        await _h.SendAsync(MetaManagerHarness.From(Sources.EdgeController, Operations.Insert, "default/configmap/gone", MetaManagerHarness.ConfigMap("gone", "x")));
        var delete = MetaManagerHarness.From(Sources.EdgeController, Operations.Delete, "default/configmap/gone", null);
        await _h.SendAsync(delete);
        await _h.BarrierAsync();

        Assert.Equal(HttpStatusCode.NotFound, (await _h.Client.GetJsonAsync("/api/v1/namespaces/default/configmaps/gone")).Code);
        Assert.Equal(Operations.Insert, (await MetaManagerHarness.NextAsync(_h.Agent)).Route.Operation);
        Assert.Equal(Message.Ok, (await MetaManagerHarness.NextAsync(_h.Cloud)).ContentText());
        AssertForwarded(await MetaManagerHarness.NextAsync(_h.Agent), delete);
        AssertAnswer(await MetaManagerHarness.NextAsync(_h.Cloud), delete, Operations.Response, Message.Ok);

        // Deleting what is not there is done too (the cloud must stop resending it).
        var again = MetaManagerHarness.From(Sources.EdgeController, Operations.Delete, "default/configmap/gone", null);
        await _h.SendAsync(again);
        await _h.BarrierAsync();
        AssertForwarded(await MetaManagerHarness.NextAsync(_h.Agent), again);
        AssertAnswer(await MetaManagerHarness.NextAsync(_h.Cloud), again, Operations.Response, Message.Ok);
    }

    [Fact]
    public async Task A_pod_delete_removes_the_pod_and_its_patch_only_when_the_uid_matches()
    {
        await _h.SendAsync(MetaManagerHarness.From(Sources.EdgeController, Operations.Insert, "default/pod/web", MetaManagerHarness.Pod("web", uid: "new")));
        await _h.SendAsync(MetaManagerHarness.From(ModuleNames.Edged, Operations.Patch, "default/podpatch/web", new JsonObject { ["status"] = "patched" }));

        // A stale delete (the pod was re-created under the same name since) spares the pod and its patch.
        await _h.SendAsync(MetaManagerHarness.From(Sources.EdgeController, Operations.Delete, "default/pod/web", MetaManagerHarness.Pod("web", uid: "old")));
        await _h.BarrierAsync();
        Assert.Equal(HttpStatusCode.OK, (await _h.Client.GetJsonAsync("/api/v1/namespaces/default/pods/web")).Code);
        Assert.Single(await QueryAsync("default/podpatch/web"));

        await _h.SendAsync(MetaManagerHarness.From(Sources.EdgeController, Operations.Delete, "default/pod/web", MetaManagerHarness.Pod("web", uid: "new")));
        await _h.BarrierAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await _h.Client.GetJsonAsync("/api/v1/namespaces/default/pods/web")).Code);
        Assert.Empty(await QueryAsync("default/podpatch/web"));
    }

    [Fact]
    public async Task A_pod_delete_from_the_agent_goes_to_the_cloud_and_leaves_the_pod()
    {
        await _h.SendAsync(MetaManagerHarness.From(Sources.EdgeController, Operations.Insert, "default/pod/keep", MetaManagerHarness.Pod("keep")));
        var delete = MetaManagerHarness.From(ModuleNames.Edged, Operations.Delete, "default/pod/keep", MetaManagerHarness.Pod("keep"));
        await _h.SendAsync(delete);
        await _h.BarrierAsync();

        Assert.Equal(HttpStatusCode.OK, (await _h.Client.GetJsonAsync("/api/v1/namespaces/default/pods/keep")).Code);
        Assert.Equal(Message.Ok, (await MetaManagerHarness.NextAsync(_h.Cloud)).ContentText());
        AssertForwarded(await MetaManagerHarness.NextAsync(_h.Cloud), delete);
    }

    [Fact]
    public async Task A_query_is_answered_from_the_store_while_disconnected_as_an_array_of_json_strings()
    {
        await _h.SendAsync(MetaManagerHarness.From(Sources.EdgeController, Operations.Insert, "default/configmap/a", MetaManagerHarness.ConfigMap("a", "1")));
        await _h.SendAsync(MetaManagerHarness.From(Sources.EdgeController, Operations.Insert, "other/configmap/b", MetaManagerHarness.ConfigMap("b", "2", "other")));

        var one = await QueryAsync("default/configmap/a");
        Assert.Equal("1", JsonNode.Parse(Assert.Single(one))!["data"]!["k"]!.GetValue<string>());
        Assert.Empty(await QueryAsync("default/configmap/missing"));
        // A list query names a type: every namespace's objects of it.
        var all = await QueryAsync("default/configmap");
        Assert.Equal(["a", "b"], all.Select(text => JsonNode.Parse(text)!["metadata"]!["name"]!.GetValue<string>()).Order());
    }

    [Fact]
    public async Task A_query_of_a_remote_type_goes_to_the_cloud_while_connected_and_its_answer_is_stored()
    {
        await _h.ConnectAsync(true);
        var query = MetaManagerHarness.From(ModuleNames.Edged, Operations.Query, "default/secret/token", null);
        var waiting = _h.Bus.SendSyncAsync(ModuleNames.MetaManager, query, TimeSpan.FromSeconds(10));

        var asked = await MetaManagerHarness.NextAsync(_h.Cloud);
        Assert.Equal(Operations.Query, asked.Route.Operation);
        Assert.NotEqual(query.Header.Id, asked.Header.Id);
        var secret = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Secret",
            ["metadata"] = new JsonObject { ["name"] = "token", ["namespace"] = "default", ["resourceVersion"] = "777" },
            ["data"] = new JsonObject { ["t"] = "c2VjcmV0" },
        };
        var cloudAnswer = asked.Response(new JsonObject { ["Object"] = secret, ["Err"] = null });
        _h.Bus.SendResponse(cloudAnswer);

        var agentAnswer = await waiting;
        Assert.Equal(query.Header.Id, agentAnswer.Header.ParentId);
        var ack = await MetaManagerHarness.NextAsync(_h.Cloud);
        Assert.Equal((cloudAnswer.Header.Id, Message.Ok), (ack.Header.ParentId!, ack.ContentText()!));

        var (code, stored) = await _h.Client.GetJsonAsync("/api/v1/namespaces/default/secrets/token");
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("c2VjcmV0", stored["data"]!["t"]!.GetValue<string>());
        // The cloud's version is kept aside; local clients see the store's own revision.
        Assert.NotEqual("777", stored.Meta("resourceVersion"));
    }

    [Fact]
    public async Task A_remote_request_that_gets_no_answer_is_answered_with_an_error_after_the_timeout()
    {
        await using var h = new MetaManagerHarness(settings: new() { ["MetaManager:RemoteQueryTimeoutSeconds"] = "1" });
        await h.ConnectAsync(true);
        var insert = MetaManagerHarness.From(ModuleNames.Edged, Operations.Insert, "default/configmap/up", MetaManagerHarness.ConfigMap("up", "1"));

        var answer = await h.Bus.SendSyncAsync(ModuleNames.MetaManager, insert, TimeSpan.FromSeconds(10));

        Assert.Equal(Operations.Error, answer.Route.Operation);
        Assert.Contains("no answer from the cloud within 1s", answer.ContentText());
        Assert.Equal(Operations.Insert, (await MetaManagerHarness.NextAsync(h.Cloud)).Route.Operation);
    }

    [Fact]
    public async Task A_volume_operation_is_asked_of_the_agent_and_its_answer_goes_to_the_cloud()
    {
        var create = MetaManagerHarness.From(Sources.EdgeController, Operations.CreateVolume, "default/volume/vol-1", new JsonObject { ["name"] = "vol-1" });
        await _h.SendAsync(create);

        var asked = await MetaManagerHarness.NextAsync(_h.Agent);
        Assert.True(asked.Header.Sync);
        Assert.Equal(create.Header.Id, asked.Header.Id);
        _h.Bus.SendResponse(asked.Response(new JsonObject { ["volume_id"] = "v-123" }));

        var answer = await MetaManagerHarness.NextAsync(_h.Cloud);
        Assert.Equal(create.Header.Id, answer.Header.ParentId);
        Assert.Equal("v-123", answer.Content!["volume_id"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("default/configmap/x", "\"just text\"", "is not a ConfigMap object")]
    [InlineData("default/configmap/x", """{"metadata":{"name":"y"}}""", "metadata.name")]
    [InlineData("default/configmap/x", """{"kind":"Secret","metadata":{"name":"x"}}""", "expected \"ConfigMap\"")]
    [InlineData("default/configmap/x", """{"metadata":{"name":"x","namespace":"elsewhere"}}""", "metadata.namespace")]
    [InlineData("default/configmap", """{"metadata":{"name":"x"}}""", "names a list")]
    [InlineData("a/b/c/d", """{}""", "more than three segments")]
    [InlineData("", """{}""", "resource is empty")]
    public async Task Bad_content_or_resource_is_answered_with_an_error_and_nothing_is_stored(string resource, string content, string reason)
    {
        var message = MetaManagerHarness.From(Sources.EdgeController, Operations.Insert, resource, JsonNode.Parse(content));
        await _h.SendAsync(message);
        await _h.BarrierAsync();

        var error = await MetaManagerHarness.NextAsync(_h.Cloud);
        Assert.Equal(Operations.Error, error.Route.Operation);
        Assert.Equal(message.Header.Id, error.Header.ParentId);
        Assert.Contains(reason, error.ContentText());
        Assert.Equal(HttpStatusCode.NotFound, (await _h.Client.GetJsonAsync("/api/v1/namespaces/default/configmaps/x")).Code);
        MetaManagerHarness.Empty(_h.Agent);

        // The loop keeps going.
        await _h.SendAsync(MetaManagerHarness.From(Sources.EdgeController, Operations.Insert, "default/configmap/x", MetaManagerHarness.ConfigMap("x", "ok")));
        await _h.BarrierAsync();
        Assert.Equal(HttpStatusCode.OK, (await _h.Client.GetJsonAsync("/api/v1/namespaces/default/configmaps/x")).Code);
    }

    [Fact]
    public async Task An_unknown_operation_is_answered_with_an_error_naming_it()
    {
        var message = MetaManagerHarness.From(ModuleNames.Edged, "frobnicate", "default/configmap/x", null);
        var answer = await _h.Bus.SendSyncAsync(ModuleNames.MetaManager, message, TimeSpan.FromSeconds(10));

        Assert.Equal(Operations.Error, answer.Route.Operation);
        Assert.Contains("frobnicate", answer.ContentText());
    }

    [Fact]
    public async Task Objects_the_cloud_sends_are_served_by_the_api_and_seen_by_its_watchers()
    {
        var client = _h.Client;
        await using var watch = await WatchStream.OpenAsync(client, "/api/v1/namespaces/default/pods?watch=true&resourceVersion=" + await CurrentRevisionAsync());

        await _h.SendAsync(MetaManagerHarness.From(Sources.EdgeController, Operations.Insert, "default/pod/seen", MetaManagerHarness.Pod("seen", resourceVersion: "9001")));
        await _h.SendAsync(MetaManagerHarness.From(Sources.EdgeController, Operations.Delete, "default/pod/seen", null));

        var added = await watch.NextChangeAsync();
        Assert.Equal(("ADDED", "seen"), (added.Type, added.Object.Meta("name")));
        var deleted = await watch.NextChangeAsync();
        Assert.Equal(("DELETED", "seen"), (deleted.Type, deleted.Object.Meta("name")));
    }

    [Fact]
    public async Task Pod_statuses_of_stored_pods_are_reported_to_the_cloud_per_namespace()
    {
        await _h.ConnectAsync(true);
        await _h.SendAsync(MetaManagerHarness.From(Sources.EdgeController, Operations.Insert, "default/pod/p1", MetaManagerHarness.Pod("p1")));
        foreach (var name in new[] { "p1", "orphan" })
        {
            await _h.SendAsync(MetaManagerHarness.From(ModuleNames.Edged, Operations.Update, $"default/podstatus/{name}", new JsonObject { ["name"] = name, ["phase"] = "Running" }));
        }

        await _h.BarrierAsync();
        while (_h.Cloud.Inbox.TryRead(out _))
        {
        }

        var service = (Api.MetaManager.MetaManagerService)_h.Server.Services.GetService(typeof(Api.MetaManager.MetaManagerService))!;
        Assert.Equal(1, await service.ReportPodStatusesAsync(CancellationToken.None));

        var report = await MetaManagerHarness.NextAsync(_h.Cloud);
        Assert.Equal((Operations.Update, "default/podstatus"), (report.Route.Operation!, report.Route.Resource!));
        var status = Assert.Single(report.Content!.AsArray());
        Assert.Equal("p1", status!["name"]!.GetValue<string>());
    }

    private async Task<IReadOnlyList<string>> QueryAsync(string resource)
    {
        var answer = await _h.Bus.SendSyncAsync(ModuleNames.MetaManager,
            MetaManagerHarness.From(ModuleNames.Edged, Operations.Query, resource, null), TimeSpan.FromSeconds(10));
        Assert.Equal(Operations.Response, answer.Route.Operation);
        return answer.Content!.AsArray().Select(n => n!.GetValue<string>()).ToList();
    }

    private async Task<string> CurrentRevisionAsync() =>
        (await _h.Client.GetJsonAsync("/api/v1/namespaces/default/pods")).Body.Meta("resourceVersion");
}
