using System.Net;
using System.Text.Json.Nodes;
using MetaServer.IntegrationTests.Infrastructure;

namespace MetaServer.IntegrationTests.Kubernetes;

/// <summary>Server-side apply over HTTP (PATCH application/apply-patch+yaml) and the managedFields every write keeps.</summary>
public sealed class ServerSideApplyTests : ServerTest
{
    private const string Apply = "application/apply-patch+yaml";
    private const string PodPath = "/api/v1/namespaces/default/pods/web";

    private static string PodYaml(string image = "nginx:1.27", string labels = "    app: web\n    tier: front\n") => $"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
          labels:
        {labels}spec:
          containers:
          - name: c
            image: {image}
            ports:
            - containerPort: 80
        """;

    private Task<(HttpStatusCode Code, JsonObject Body)> ApplyAsync(string body, string query, string path = PodPath) =>
        Client.SendAsync(HttpMethod.Patch, path + query, body, Apply);

    private static JsonArray ManagedFields(JsonObject obj) => obj["metadata"]!["managedFields"]!.AsArray();

    private static JsonObject EntryOf(JsonObject obj, string manager) =>
        ManagedFields(obj).Single(e => e!["manager"]!.GetValue<string>() == manager)!.AsObject();

    private static JsonNode? ImageOwnership(JsonObject entry) =>
        entry["fieldsV1"]?["f:spec"]?["f:containers"]?["k:{\"name\":\"c\"}"]?["f:image"];

    [Fact]
    public async Task Apply_creates_the_object_with_an_Apply_entry_and_the_same_apply_again_changes_nothing()
    {
        var (code, created) = await ApplyAsync(PodYaml(), "?fieldManager=team-a");

        Assert.Equal(HttpStatusCode.Created, code);
        Assert.False(string.IsNullOrEmpty(created.Meta("uid")));
        Assert.Equal("Pending", created["status"]!["phase"]!.GetValue<string>()); // the pod create rules ran
        var entry = Assert.Single(ManagedFields(created))!;
        Assert.Equal("team-a", entry["manager"]!.GetValue<string>());
        Assert.Equal("Apply", entry["operation"]!.GetValue<string>());
        Assert.Equal("v1", entry["apiVersion"]!.GetValue<string>());
        Assert.Equal("FieldsV1", entry["fieldsType"]!.GetValue<string>());
        Assert.NotNull(entry["fieldsV1"]!["f:metadata"]!["f:labels"]!["f:tier"]);
        Assert.NotNull(entry["fieldsV1"]!["f:spec"]!["f:containers"]!["k:{\"name\":\"c\"}"]!["."]);
        Assert.Null(entry["fieldsV1"]!["f:status"]);

        var (againCode, again) = await ApplyAsync(PodYaml(), "?fieldManager=team-a");

        Assert.Equal(HttpStatusCode.OK, againCode);
        Assert.Equal(created.Meta("resourceVersion"), again.Meta("resourceVersion"));
        Assert.Equal(created.ToJsonString(), again.ToJsonString());
    }

    [Fact]
    public async Task Another_manager_changing_an_owned_field_conflicts_until_it_forces()
    {
        await ApplyAsync(PodYaml(), "?fieldManager=team-a");
        var (_, before) = await Client.GetJsonAsync(PodPath);

        var (code, status) = await ApplyAsync(PodYaml(image: "nginx:2", labels: "    app: web\n"), "?fieldManager=team-b");

        CrudTests.AssertStatus(status, code, HttpStatusCode.Conflict, "Conflict");
        Assert.Equal("""Apply failed with 1 conflict: conflict with "team-a": .spec.containers[name="c"].image""", status["message"]!.GetValue<string>());
        var cause = Assert.Single(status["details"]!["causes"]!.AsArray())!;
        Assert.Equal("FieldManagerConflict", cause["reason"]!.GetValue<string>());
        Assert.Equal(".spec.containers[name=\"c\"].image", cause["field"]!.GetValue<string>());
        Assert.Equal("conflict with \"team-a\"", cause["message"]!.GetValue<string>());
        var (_, unchanged) = await Client.GetJsonAsync(PodPath);
        Assert.Equal(before.Meta("resourceVersion"), unchanged.Meta("resourceVersion"));

        var (forcedCode, forced) = await ApplyAsync(PodYaml(image: "nginx:2", labels: "    app: web\n"), "?fieldManager=team-b&force=true");

        Assert.Equal(HttpStatusCode.OK, forcedCode);
        Assert.Equal("nginx:2", forced["spec"]!["containers"]![0]!["image"]!.GetValue<string>());
        Assert.NotNull(ImageOwnership(EntryOf(forced, "team-b")));
        Assert.Null(ImageOwnership(EntryOf(forced, "team-a")));
        // app is shared (same value), tier stays team-a's alone.
        Assert.NotNull(EntryOf(forced, "team-a")["fieldsV1"]!["f:metadata"]!["f:labels"]!["f:app"]);
        Assert.NotNull(EntryOf(forced, "team-b")["fieldsV1"]!["f:metadata"]!["f:labels"]!["f:app"]);
    }

    [Fact]
    public async Task A_field_a_manager_no_longer_applies_is_removed()
    {
        await ApplyAsync(PodYaml(), "?fieldManager=team-a");

        var (code, applied) = await ApplyAsync(PodYaml(labels: "    app: web\n"), "?fieldManager=team-a");

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("""{"app":"web"}""", applied["metadata"]!["labels"]!.ToJsonString());
        Assert.Null(EntryOf(applied, "team-a")["fieldsV1"]!["f:metadata"]!["f:labels"]!["f:tier"]);
    }

    [Fact]
    public async Task Apply_needs_a_fieldManager_takes_force_only_for_apply_and_checks_the_configuration()
    {
        var (code, status) = await ApplyAsync(PodYaml(), "");
        CrudTests.AssertStatus(status, code, HttpStatusCode.UnprocessableEntity, "Invalid");
        Assert.Equal("PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch", status["message"]!.GetValue<string>());

        var (forceCode, forceStatus) = await Client.SendAsync(HttpMethod.Patch, PodPath + "?force=true", "{}", "application/merge-patch+json");
        CrudTests.AssertStatus(forceStatus, forceCode, HttpStatusCode.UnprocessableEntity, "Invalid");

        var (nameCode, nameStatus) = await ApplyAsync(PodYaml().Replace("name: web", "name: other", StringComparison.Ordinal), "?fieldManager=a");
        CrudTests.AssertStatus(nameStatus, nameCode, HttpStatusCode.BadRequest, "BadRequest");
        Assert.Equal("the name of the object (other) does not match the name on the URL (web)", nameStatus["message"]!.GetValue<string>());

        var (versionCode, versionStatus) = await ApplyAsync(PodYaml().Replace("apiVersion: v1", "apiVersion: v2", StringComparison.Ordinal), "?fieldManager=a");
        CrudTests.AssertStatus(versionStatus, versionCode, HttpStatusCode.BadRequest, "BadRequest");
        Assert.Contains("Incorrect version specified in apply patch", versionStatus["message"]!.GetValue<string>());

        var (nsCode, _) = await ApplyAsync(PodYaml().Replace("name: web", "name: web\n  namespace: kube-system", StringComparison.Ordinal), "?fieldManager=a");
        Assert.Equal(HttpStatusCode.BadRequest, nsCode);

        var (missing, _) = await Client.GetJsonAsync(PodPath);
        Assert.Equal(HttpStatusCode.NotFound, missing);
    }

    [Fact]
    public async Task A_dry_run_apply_answers_the_object_and_stores_nothing()
    {
        var (code, answered) = await ApplyAsync(PodYaml(), "?fieldManager=team-a&dryRun=All");

        Assert.Equal(HttpStatusCode.Created, code);
        Assert.Equal("team-a", EntryOf(answered, "team-a")["manager"]!.GetValue<string>());
        var (after, _) = await Client.GetJsonAsync(PodPath);
        Assert.Equal(HttpStatusCode.NotFound, after);
    }

    [Fact]
    public async Task A_JSON_body_applies_too_and_keyed_lists_merge_with_what_others_added()
    {
        await ApplyAsync(PodYaml(), "?fieldManager=team-a");
        const string sidecar = """
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web"},
             "spec":{"containers":[{"name":"side","image":"busybox"},{"name":"c","ports":[{"containerPort":9090}]}]}}
            """;

        var (code, merged) = await ApplyAsync(sidecar, "?fieldManager=team-b");

        Assert.Equal(HttpStatusCode.OK, code);
        var containers = merged["spec"]!["containers"]!.AsArray();
        Assert.Equal(["c", "side"], containers.Select(c => c!["name"]!.GetValue<string>()));
        Assert.Equal("nginx:1.27", containers[0]!["image"]!.GetValue<string>());
        Assert.Equal([80, 9090], containers[0]!["ports"]!.AsArray().Select(p => p!["containerPort"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Once_applied_an_object_records_its_other_writers_and_an_apply_then_conflicts_with_them()
    {
        await ApplyAsync(PodYaml(), "?fieldManager=team-a");

        // No fieldManager: the manager is the User-Agent's name, as kubectl's edit would be.
        using var edit = new HttpRequestMessage(HttpMethod.Patch, PodPath)
        {
            Content = KubeHttp.Json("""{"spec":{"containers":[{"name":"c","image":"nginx:edited"}]}}""", "application/strategic-merge-patch+json"),
        };
        edit.Headers.UserAgent.ParseAdd("kubectl-edit/v1.32.0 (linux/amd64) kubernetes/abc");
        var edited = JsonNode.Parse(await (await Client.SendAsync(edit)).Content.ReadAsStringAsync())!.AsObject();
        var editor = EntryOf(edited, "kubectl-edit");
        Assert.Equal("Update", editor["operation"]!.GetValue<string>());
        Assert.NotNull(ImageOwnership(editor));
        Assert.Null(ImageOwnership(EntryOf(edited, "team-a")));

        var (code, status) = await ApplyAsync(PodYaml(), "?fieldManager=team-a");

        CrudTests.AssertStatus(status, code, HttpStatusCode.Conflict, "Conflict");
        Assert.Equal("""Apply failed with 1 conflict: conflict with "kubectl-edit" using v1: .spec.containers[name="c"].image""", status["message"]!.GetValue<string>());

        // A PUT that changes nothing keeps managedFields (and so the object) as they were.
        var (_, current) = await Client.GetJsonAsync(PodPath);
        var (putCode, put) = await Client.PutJsonAsync(PodPath + "?fieldManager=someone", current.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, putCode);
        Assert.Equal(current.Meta("resourceVersion"), put.Meta("resourceVersion"));
        Assert.DoesNotContain(ManagedFields(put), e => e!["manager"]!.GetValue<string>() == "someone");

        // A PUT that changes a label records its manager for that label.
        put["metadata"]!["labels"]!["tier"] = "back";
        var (_, relabelled) = await Client.PutJsonAsync(PodPath + "?fieldManager=someone", put.ToJsonString());
        Assert.NotNull(EntryOf(relabelled, "someone")["fieldsV1"]!["f:metadata"]!["f:labels"]!["f:tier"]);
    }

    [Fact]
    public async Task Objects_never_applied_are_not_tracked_so_plain_writes_stay_as_cheap_as_before()
    {
        var (_, created) = await Client.PostJsonAsync("/api/v1/namespaces/default/pods?fieldManager=creator", KubeHttp.Pod("plain"));
        Assert.Null(created["metadata"]!["managedFields"]);

        var (_, patched) = await Client.PatchJsonAsync("/api/v1/namespaces/default/pods/plain", """{"metadata":{"labels":{"x":"y"}}}""", "application/merge-patch+json");
        Assert.Null(patched["metadata"]!["managedFields"]);

        // The first apply starts tracking; it owns what it applies and conflicts with no one.
        const string config = """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"plain","labels":{"x":"z"}}}""";
        var (code, applied) = await ApplyAsync(config, "?fieldManager=team-a", "/api/v1/namespaces/default/pods/plain");
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("z", applied["metadata"]!["labels"]!["x"]!.GetValue<string>());
        Assert.NotNull(EntryOf(applied, "team-a")["fieldsV1"]!["f:metadata"]!["f:labels"]!["f:x"]);
    }
}
