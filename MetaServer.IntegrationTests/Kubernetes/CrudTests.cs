using System.Net;
using System.Text.Json.Nodes;
using MetaServer.IntegrationTests.Infrastructure;

namespace MetaServer.IntegrationTests.Kubernetes;

/// <summary>Every verb through the real pipeline on a real SQLite file.</summary>
public sealed class CrudTests : ServerTest
{
    [Fact]
    public async Task Create_assigns_identity_and_revision_and_get_returns_the_same_object()
    {
        var (code, created) = await Client.PostJsonAsync("/api/v1/namespaces/default/pods", KubeHttp.Pod("web-1"));

        Assert.Equal(HttpStatusCode.Created, code);
        Assert.Equal("Pod", created["kind"]!.GetValue<string>());
        Assert.True(Guid.TryParse(created.Meta("uid"), out _));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", created.Meta("creationTimestamp"));
        Assert.True(long.Parse(created.Meta("resourceVersion")) > 0);

        var (getCode, fetched) = await Client.GetJsonAsync("/api/v1/namespaces/default/pods/web-1");
        Assert.Equal(HttpStatusCode.OK, getCode);
        Assert.Equal(created.ToJsonString(), fetched.ToJsonString());
        Assert.Equal("nginx:1.27", fetched["spec"]!["containers"]![0]!["image"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_new_pod_starts_Pending_with_its_QoS_class_whatever_status_it_was_sent_with()
    {
        var guaranteed = """
            {"metadata":{"name":"g"},"status":{"phase":"Running"},"spec":{"containers":[{"name":"c","image":"x",
             "resources":{"limits":{"cpu":"1","memory":"1Gi"}}}]}}
            """;
        var (_, pod) = await Client.PostJsonAsync("/api/v1/namespaces/default/pods", guaranteed);
        var (_, plain) = await Client.PostJsonAsync("/api/v1/namespaces/default/pods", KubeHttp.Pod("b"));

        Assert.Equal("Pending", pod["status"]!["phase"]!.GetValue<string>());
        Assert.Equal("Guaranteed", pod["status"]!["qosClass"]!.GetValue<string>());
        Assert.Equal("BestEffort", plain["status"]!["qosClass"]!.GetValue<string>());
    }

    [Fact]
    public async Task Every_write_gets_a_higher_resourceVersion()
    {
        var (_, a) = await Client.PostJsonAsync("/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"a"},"data":{"k":"1"}}""");
        var (_, b) = await Client.PostJsonAsync("/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"b"},"data":{"k":"1"}}""");
        var (_, a2) = await Client.PatchJsonAsync("/api/v1/namespaces/default/configmaps/a", """{"data":{"k":"2"}}""", "application/merge-patch+json");

        var revisions = new[] { a, b, a2 }.Select(o => long.Parse(o.Meta("resourceVersion"))).ToArray();
        Assert.True(revisions[0] < revisions[1] && revisions[1] < revisions[2], string.Join(",", revisions));

        var (_, list) = await Client.GetJsonAsync("/api/v1/namespaces/default/configmaps");
        Assert.Equal(revisions[2], long.Parse(list.Meta("resourceVersion")));
    }

    [Fact]
    public async Task Create_without_kind_and_apiVersion_takes_them_from_the_path()
    {
        var (code, created) = await Client.PostJsonAsync("/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"plain"},"data":{"a":"b"}}""");

        Assert.Equal(HttpStatusCode.Created, code);
        Assert.Equal("ConfigMap", created["kind"]!.GetValue<string>());
        Assert.Equal("v1", created["apiVersion"]!.GetValue<string>());
        Assert.Equal("default", created.Meta("namespace"));
    }

    [Fact]
    public async Task GenerateName_gets_a_random_suffix()
    {
        var (code, created) = await Client.PostJsonAsync("/api/v1/namespaces/default/configmaps", """{"metadata":{"generateName":"cfg-"}}""");

        Assert.Equal(HttpStatusCode.Created, code);
        Assert.Matches("^cfg-[bcdfghjklmnpqrstvwxz2456789]{5}$", created.Meta("name"));
    }

    [Fact]
    public async Task Create_of_an_existing_name_returns_409_AlreadyExists()
    {
        await Client.PostJsonAsync("/api/v1/namespaces/default/pods", KubeHttp.Pod("dup"));

        var (code, status) = await Client.PostJsonAsync("/api/v1/namespaces/default/pods", KubeHttp.Pod("dup"));

        AssertStatus(status, code, HttpStatusCode.Conflict, "AlreadyExists");
        Assert.Equal("pods \"dup\" already exists", status["message"]!.GetValue<string>());
        Assert.Equal("dup", status["details"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_in_a_missing_namespace_returns_404()
    {
        var (code, status) = await Client.PostJsonAsync("/api/v1/namespaces/nowhere/configmaps", """{"metadata":{"name":"x"}}""");

        AssertStatus(status, code, HttpStatusCode.NotFound, "NotFound");
        Assert.Equal("namespaces \"nowhere\" not found", status["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Cluster_scoped_objects_live_outside_namespaces()
    {
        var (code, node) = await Client.PostJsonAsync("/api/v1/nodes", """{"apiVersion":"v1","kind":"Node","metadata":{"name":"edge-1","namespace":"ignored","labels":{"node-role.kubernetes.io/edge":""}}}""");
        Assert.Equal(HttpStatusCode.Created, code);
        Assert.Null(node["metadata"]!["namespace"]);

        var (getCode, _) = await Client.GetJsonAsync("/api/v1/nodes/edge-1");
        Assert.Equal(HttpStatusCode.OK, getCode);

        var (wrongCode, _) = await Client.GetJsonAsync("/api/v1/namespaces/default/nodes/edge-1");
        Assert.Equal(HttpStatusCode.NotFound, wrongCode);

        var (leaseCode, lease) = await Client.PostJsonAsync("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases",
            """{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"edge-1"},"spec":{"holderIdentity":"edge-1","leaseDurationSeconds":40}}""");
        Assert.Equal(HttpStatusCode.Created, leaseCode);
        Assert.Equal("kube-node-lease", lease.Meta("namespace"));
    }

    [Fact]
    public async Task Update_with_stale_resourceVersion_returns_409_Conflict()
    {
        var (_, created) = await Client.PostJsonAsync("/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"cc"},"data":{"v":"1"}}""");
        var stale = created.DeepClone().AsObject();
        created["data"]!["v"] = "2";
        var (okCode, updated) = await Client.PutJsonAsync("/api/v1/namespaces/default/configmaps/cc", created.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, okCode);
        Assert.NotEqual(created.Meta("resourceVersion"), updated.Meta("resourceVersion"));

        stale["data"]!["v"] = "3";
        var (code, status) = await Client.PutJsonAsync("/api/v1/namespaces/default/configmaps/cc", stale.ToJsonString());

        AssertStatus(status, code, HttpStatusCode.Conflict, "Conflict");
        Assert.Contains("the object has been modified", status["message"]!.GetValue<string>());
        var (_, current) = await Client.GetJsonAsync("/api/v1/namespaces/default/configmaps/cc");
        Assert.Equal("2", current["data"]!["v"]!.GetValue<string>());
    }

    [Fact]
    public async Task Update_keeps_identity_fields_and_ignores_status_while_the_status_subresource_changes_only_status()
    {
        var (_, pod) = await Client.PostJsonAsync("/api/v1/namespaces/default/pods", KubeHttp.Pod("st"));
        var uid = pod.Meta("uid");

        pod["status"] = new JsonObject { ["phase"] = "Running" };
        pod["spec"]!["containers"]![0]!["image"] = "nginx:1.28";
        pod["metadata"]!["uid"] = null;
        var (code, updated) = await Client.PutJsonAsync("/api/v1/namespaces/default/pods/st", pod.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("Pending", updated["status"]!["phase"]!.GetValue<string>()); // as created; the main resource cannot change it
        Assert.Equal("nginx:1.28", updated["spec"]!["containers"]![0]!["image"]!.GetValue<string>());
        Assert.Equal(uid, updated.Meta("uid"));

        updated["status"] = new JsonObject { ["phase"] = "Running" };
        updated["spec"]!["containers"]![0]!["image"] = "ignored:1";
        var (statusCode, afterStatus) = await Client.PutJsonAsync("/api/v1/namespaces/default/pods/st/status", updated.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, statusCode);
        Assert.Equal("Running", afterStatus["status"]!["phase"]!.GetValue<string>());
        Assert.Equal("nginx:1.28", afterStatus["spec"]!["containers"]![0]!["image"]!.GetValue<string>());
    }

    [Fact]
    public async Task Update_with_no_change_keeps_the_resourceVersion()
    {
        var (_, created) = await Client.PostJsonAsync("/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"same"},"data":{"v":"1"}}""");

        var (code, again) = await Client.PutJsonAsync("/api/v1/namespaces/default/configmaps/same", created.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal(created.Meta("resourceVersion"), again.Meta("resourceVersion"));
    }

    [Fact]
    public async Task Update_of_a_missing_object_returns_404()
    {
        var (code, status) = await Client.PutJsonAsync("/api/v1/namespaces/default/configmaps/ghost", """{"metadata":{"name":"ghost"}}""");

        AssertStatus(status, code, HttpStatusCode.NotFound, "NotFound");
    }

    [Fact]
    public async Task Json_patch_and_merge_patch_change_the_stored_object()
    {
        await Client.PostJsonAsync("/api/v1/namespaces/default/pods", KubeHttp.Pod("p"));

        var (jsonCode, afterJson) = await Client.PatchJsonAsync("/api/v1/namespaces/default/pods/p",
            """[{"op":"replace","path":"/spec/containers/0/image","value":"nginx:2"},{"op":"add","path":"/metadata/labels/app.kubernetes.io~1name","value":"web"}]""",
            "application/json-patch+json");
        Assert.Equal(HttpStatusCode.OK, jsonCode);
        Assert.Equal("nginx:2", afterJson["spec"]!["containers"]![0]!["image"]!.GetValue<string>());
        Assert.Equal("web", afterJson["metadata"]!["labels"]!["app.kubernetes.io/name"]!.GetValue<string>());

        var (mergeCode, afterMerge) = await Client.PatchJsonAsync("/api/v1/namespaces/default/pods/p",
            """{"metadata":{"labels":{"app":null,"tier":"front"}}}""", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, mergeCode);
        var labels = afterMerge["metadata"]!["labels"]!.AsObject();
        Assert.False(labels.ContainsKey("app"));
        Assert.Equal("front", labels["tier"]!.GetValue<string>());

        var (_, stored) = await Client.GetJsonAsync("/api/v1/namespaces/default/pods/p");
        Assert.Equal(afterMerge.ToJsonString(), stored.ToJsonString());
    }

    [Fact]
    public async Task Status_patch_changes_only_status()
    {
        await Client.PostJsonAsync("/api/v1/namespaces/default/pods", KubeHttp.Pod("sp"));

        var (code, patched) = await Client.PatchJsonAsync("/api/v1/namespaces/default/pods/sp/status",
            """{"status":{"phase":"Running","podIP":"10.0.0.7"},"metadata":{"labels":{"hacked":"yes"}}}""", "application/merge-patch+json");

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("10.0.0.7", patched["status"]!["podIP"]!.GetValue<string>());
        Assert.Null(patched["metadata"]!["labels"]!["hacked"]);
    }

    [Fact]
    public async Task Patch_with_a_resourceVersion_precondition_that_is_stale_returns_409()
    {
        await Client.PostJsonAsync("/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"pre"}}""");

        var (code, status) = await Client.PatchJsonAsync("/api/v1/namespaces/default/configmaps/pre",
            """{"metadata":{"resourceVersion":"1"},"data":{"x":"y"}}""", "application/merge-patch+json");

        AssertStatus(status, code, HttpStatusCode.Conflict, "Conflict");
    }

    [Fact]
    public async Task A_failing_json_patch_returns_422_and_changes_nothing()
    {
        var (_, created) = await Client.PostJsonAsync("/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"jp"},"data":{"a":"1"}}""");

        var (code, status) = await Client.PatchJsonAsync("/api/v1/namespaces/default/configmaps/jp",
            """[{"op":"replace","path":"/data/a","value":"2"},{"op":"remove","path":"/data/missing"}]""", "application/json-patch+json");

        AssertStatus(status, code, HttpStatusCode.UnprocessableEntity, "Invalid");
        var (_, stored) = await Client.GetJsonAsync("/api/v1/namespaces/default/configmaps/jp");
        Assert.Equal(created.ToJsonString(), stored.ToJsonString());
    }

    [Fact]
    public async Task Delete_removes_the_object_and_a_second_delete_is_404()
    {
        await Client.PostJsonAsync("/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"gone"}}""");

        var (code, status) = await Client.DeleteJsonAsync("/api/v1/namespaces/default/configmaps/gone");
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("Success", status["status"]!.GetValue<string>());
        Assert.Equal("gone", status["details"]!["name"]!.GetValue<string>());

        var (getCode, _) = await Client.GetJsonAsync("/api/v1/namespaces/default/configmaps/gone");
        Assert.Equal(HttpStatusCode.NotFound, getCode);
        var (againCode, again) = await Client.DeleteJsonAsync("/api/v1/namespaces/default/configmaps/gone");
        AssertStatus(again, againCode, HttpStatusCode.NotFound, "NotFound");
    }

    [Fact]
    public async Task Delete_of_a_pod_returns_the_pod()
    {
        var (_, pod) = await Client.PostJsonAsync("/api/v1/namespaces/default/pods", KubeHttp.Pod("dp"));

        var (code, deleted) = await Client.DeleteJsonAsync("/api/v1/namespaces/default/pods/dp");

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("Pod", deleted["kind"]!.GetValue<string>());
        Assert.Equal(pod.Meta("uid"), deleted.Meta("uid"));
        Assert.True(long.Parse(deleted.Meta("resourceVersion")) > long.Parse(pod.Meta("resourceVersion")));
    }

    [Fact]
    public async Task Delete_with_a_stale_uid_precondition_returns_409_and_keeps_the_object()
    {
        await Client.PostJsonAsync("/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"keep"}}""");

        var (code, status) = await Client.DeleteJsonAsync("/api/v1/namespaces/default/configmaps/keep",
            """{"kind":"DeleteOptions","apiVersion":"v1","preconditions":{"uid":"00000000-0000-0000-0000-000000000000"}}""");

        AssertStatus(status, code, HttpStatusCode.Conflict, "Conflict");
        var (getCode, _) = await Client.GetJsonAsync("/api/v1/namespaces/default/configmaps/keep");
        Assert.Equal(HttpStatusCode.OK, getCode);
    }

    [Fact]
    public async Task An_object_with_finalizers_is_marked_and_goes_when_the_last_finalizer_is_removed()
    {
        await Client.PostJsonAsync("/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"fin","finalizers":["edge/cleanup"]}}""");

        var (code, marked) = await Client.DeleteJsonAsync("/api/v1/namespaces/default/configmaps/fin");
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.NotEqual("", marked.Meta("deletionTimestamp"));

        var (patchCode, _) = await Client.PatchJsonAsync("/api/v1/namespaces/default/configmaps/fin",
            """{"metadata":{"finalizers":null}}""", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, patchCode);

        var (getCode, _) = await Client.GetJsonAsync("/api/v1/namespaces/default/configmaps/fin");
        Assert.Equal(HttpStatusCode.NotFound, getCode);
    }

    [Fact]
    public async Task Deleting_a_namespace_deletes_what_is_in_it_and_system_namespaces_cannot_be_deleted()
    {
        await Client.PostJsonAsync("/api/v1/namespaces", """{"metadata":{"name":"doomed"}}""");
        await Client.PostJsonAsync("/api/v1/namespaces/doomed/pods", KubeHttp.Pod("p", ns: "doomed"));
        await Client.PostJsonAsync("/apis/coordination.k8s.io/v1/namespaces/doomed/leases", """{"metadata":{"name":"l"}}""");
        await Client.PostJsonAsync("/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"survivor"}}""");

        var (code, _) = await Client.DeleteJsonAsync("/api/v1/namespaces/doomed");

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetJsonAsync("/api/v1/namespaces/doomed/pods/p")).Code);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetJsonAsync("/apis/coordination.k8s.io/v1/namespaces/doomed/leases/l")).Code);
        Assert.Equal(HttpStatusCode.OK, (await Client.GetJsonAsync("/api/v1/namespaces/default/configmaps/survivor")).Code);

        var (forbidden, status) = await Client.DeleteJsonAsync("/api/v1/namespaces/kube-system");
        AssertStatus(status, forbidden, HttpStatusCode.Forbidden, "Forbidden");
        Assert.Equal(HttpStatusCode.OK, (await Client.GetJsonAsync("/api/v1/namespaces/kube-system")).Code);

        // A deletecollection obeys the same rules: the system namespaces stay, the others go with their contents.
        await Client.PostJsonAsync("/api/v1/namespaces", """{"metadata":{"name":"also-doomed"}}""");
        await Client.PostJsonAsync("/api/v1/namespaces/also-doomed/configmaps", """{"metadata":{"name":"c"}}""");
        var (collectionCode, deleted) = await Client.DeleteJsonAsync("/api/v1/namespaces");
        Assert.Equal(HttpStatusCode.OK, collectionCode);
        Assert.Contains(deleted["items"]!.AsArray(), i => i!["metadata"]!["name"]!.GetValue<string>() == "also-doomed");
        var (_, left) = await Client.GetJsonAsync("/api/v1/namespaces");
        Assert.Equal(["default", "kube-public", "kube-system"], left["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetJsonAsync("/api/v1/namespaces/also-doomed/configmaps/c")).Code);
    }

    [Fact]
    public async Task Deletecollection_deletes_what_the_selector_matches_and_returns_it()
    {
        await Client.PostJsonAsync("/api/v1/namespaces/default/pods", KubeHttp.Pod("a1", labels: """{"app":"a"}"""));
        await Client.PostJsonAsync("/api/v1/namespaces/default/pods", KubeHttp.Pod("a2", labels: """{"app":"a"}"""));
        await Client.PostJsonAsync("/api/v1/namespaces/default/pods", KubeHttp.Pod("b1", labels: """{"app":"b"}"""));

        var (code, deleted) = await Client.DeleteJsonAsync("/api/v1/namespaces/default/pods?labelSelector=app%3Da");

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("PodList", deleted["kind"]!.GetValue<string>());
        Assert.Equal(["a1", "a2"], deleted["items"]!.AsArray().Select(i => i!.AsObject().Meta("name")).Order());
        var (_, left) = await Client.GetJsonAsync("/api/v1/namespaces/default/pods");
        Assert.Equal(["b1"], left["items"]!.AsArray().Select(i => i!.AsObject().Meta("name")));
    }

    internal static void AssertStatus(JsonObject status, HttpStatusCode actual, HttpStatusCode expected, string reason)
    {
        Assert.Equal(expected, actual);
        Assert.Equal("Status", status["kind"]?.GetValue<string>());
        Assert.Equal("v1", status["apiVersion"]?.GetValue<string>());
        Assert.Equal("Failure", status["status"]?.GetValue<string>());
        Assert.Equal(reason, status["reason"]?.GetValue<string>());
        Assert.Equal((int)expected, status["code"]?.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(status["message"]?.GetValue<string>()));
    }
}
