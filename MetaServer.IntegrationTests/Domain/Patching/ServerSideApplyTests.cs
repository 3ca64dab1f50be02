using System.Text.Json.Nodes;
using MetaServer.Domain.Patching;
using MetaServer.Domain.Patching.Apply;

namespace MetaServer.IntegrationTests.Domain.Patching;

/// <summary>Field sets, their FieldsV1 form, and apply/update ownership as the apiserver's field manager keeps them.</summary>
public sealed class ServerSideApplyTests
{
    private const string Now = "2025-01-01T00:00:00Z";
    private const string Later = "2025-01-01T00:05:00Z";

    private static readonly ObjectFields PodFields = new(PatchStrategies.Find("", "Pod")!, ignoreStatus: true);

    private static readonly System.Text.Json.JsonSerializerOptions Relaxed =
        new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static JsonObject Obj(string json) => JsonNode.Parse(json)!.AsObject();

    // As the store writes JSON: quotes inside FieldsV1 keys stay readable.
    private static string Json(JsonNode node) => node.ToJsonString(Relaxed);

    private static JsonObject Pod(string image = "nginx:1.27", string labels = """{"app":"web"}""", string extraContainer = "") => Obj($$$"""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"default","labels":{{{labels}}}},
         "spec":{"containers":[{"name":"c","image":"{{{image}}}","ports":[{"containerPort":80}]}{{{extraContainer}}}],
                 "hostname":null}}
        """);

    private static List<ManagedFieldsEntry> Entries(JsonObject obj) => ManagedFieldsEntry.ReadAll(obj["metadata"]!["managedFields"]);

    [Fact]
    public void FieldsV1_round_trips_members_keyed_items_values_and_the_dot()
    {
        const string fieldsV1 = """
            {"f:metadata":{"f:finalizers":{".":{},"v:\"a\"":{}},"f:labels":{"f:app":{}}},
             "f:spec":{"f:containers":{"k:{\"name\":\"c\"}":{".":{},"f:image":{},"f:name":{},
                       "f:ports":{"k:{\"containerPort\":80}":{".":{},"f:containerPort":{}}}}},"f:tolerations":{}}}
            """;

        var set = FieldSet.FromFieldsV1(Obj(fieldsV1));

        Assert.True(set.Has("f:spec", "f:containers", "k:{\"name\":\"c\"}"));
        Assert.True(set.Has("f:spec", "f:containers", "k:{\"name\":\"c\"}", "f:image"));
        Assert.True(set.Has("f:metadata", "f:finalizers", "v:\"a\""));
        Assert.True(set.Has("f:metadata", "f:finalizers"));
        Assert.False(set.Has("f:spec"));
        Assert.Equal(Json(Obj(fieldsV1)), Json(set.ToFieldsV1()));
        Assert.Equal(Json(set.ToFieldsV1()), Json(FieldSet.FromFieldsV1(set.ToFieldsV1()).ToFieldsV1()));
        Assert.Throws<FormatException>(() => FieldSet.FromFieldsV1(Obj("""{"x:nope":{}}""")));
    }

    [Fact]
    public void Paths_print_as_structured_merge_diff_prints_them()
    {
        Assert.Equal(""".spec.containers[name="c"].image""", FieldSet.Describe(["f:spec", "f:containers", "k:{\"name\":\"c\"}", "f:image"]));
        Assert.Equal(""".spec.ports[port=80]""", FieldSet.Describe(["f:spec", "f:ports", "k:{\"port\":80}"]));
        Assert.Equal(""".metadata.finalizers[="a"]""", FieldSet.Describe(["f:metadata", "f:finalizers", "v:\"a\""]));
    }

    [Fact]
    public void The_field_set_of_an_object_owns_leaves_and_keyed_items_but_not_identity_type_or_status()
    {
        var pod = Pod();
        pod["status"] = Obj("""{"phase":"Pending"}""");
        pod["metadata"]!["uid"] = "u-1";

        var set = PodFields.Of(pod);

        Assert.Equal(
            """{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"c\"}":{".":{},"f:image":{},"f:name":{},"f:ports":{"k:{\"containerPort\":80}":{".":{},"f:containerPort":{}}}}},"f:hostname":{}}}""",
            Json(set.ToFieldsV1()));
    }

    [Fact]
    public void Apply_creates_with_one_Apply_entry_and_reapplying_changes_nothing()
    {
        var created = FieldManager.Apply(null, Pod(), PodFields, "a", force: false, Now).Object!;

        var entry = Assert.Single(Entries(created));
        Assert.Equal(("a", "Apply", "v1", Now), (entry.Manager, entry.Operation, entry.ApiVersion, entry.Time));
        Assert.False(created["spec"]!.AsObject().ContainsKey("hostname")); // applied as null: owned, not stored
        Assert.True(entry.Fields.Has("f:spec", "f:hostname"));
        Assert.True(entry.Fields.Has("f:spec", "f:containers", "k:{\"name\":\"c\"}", "f:image"));

        var again = FieldManager.Apply(created, Pod(), PodFields, "a", force: false, Later).Object!;
        Assert.Equal(created.ToJsonString(), again.ToJsonString());
    }

    [Fact]
    public void Keyed_lists_merge_by_key_and_maps_merge_by_field()
    {
        var live = FieldManager.Apply(null, Pod(), PodFields, "a", false, Now).Object!;
        var config = Obj("""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","labels":{"tier":"front"}},
             "spec":{"containers":[{"name":"side","image":"busybox"},{"name":"c","ports":[{"containerPort":81}]}]}}
            """);

        var merged = FieldManager.Apply(live, config, PodFields, "b", false, Later).Object!;

        var containers = merged["spec"]!["containers"]!.AsArray();
        Assert.Equal(["c", "side"], containers.Select(c => c!["name"]!.GetValue<string>()));
        Assert.Equal("nginx:1.27", containers[0]!["image"]!.GetValue<string>());
        Assert.Equal([80, 81], containers[0]!["ports"]!.AsArray().Select(p => p!["containerPort"]!.GetValue<int>()));
        Assert.Equal("""{"app":"web","tier":"front"}""", merged["metadata"]!["labels"]!.ToJsonString());
        var b = Entries(merged).Single(e => e.Manager == "b");
        Assert.True(b.Fields.Has("f:spec", "f:containers", "k:{\"name\":\"c\"}", "f:ports", "k:{\"containerPort\":81}"));
        Assert.False(b.Fields.Has("f:spec", "f:containers", "k:{\"name\":\"c\"}", "f:image"));
    }

    [Fact]
    public void Fields_a_manager_stops_applying_are_removed_unless_another_manager_owns_them()
    {
        var first = FieldManager.Apply(null, Pod(labels: """{"app":"web","tier":"front"}""", extraContainer: """,{"name":"side","image":"x"}"""),
            PodFields, "a", false, Now).Object!;
        // b shares the tier label (same value: no conflict, both own it).
        var shared = FieldManager.Apply(first, Obj("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","labels":{"tier":"front"}}}"""),
            PodFields, "b", false, Now).Object!;

        var dropped = FieldManager.Apply(shared, Pod(labels: "{}"), PodFields, "a", false, Later).Object!;

        Assert.Equal("""{"tier":"front"}""", dropped["metadata"]!["labels"]!.ToJsonString());
        Assert.Equal(["c"], dropped["spec"]!["containers"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
        Assert.False(Entries(dropped).Single(e => e.Manager == "a").Fields.Has("f:metadata", "f:labels", "f:tier"));
    }

    [Fact]
    public void Changing_a_field_another_manager_owns_conflicts_and_force_takes_it_over()
    {
        var live = FieldManager.Apply(null, Pod(), PodFields, "a", false, Now).Object!;
        var config = Obj("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","labels":{"app":"other"}},"spec":{"containers":[{"name":"c","image":"nginx:2"}]}}""");

        var refused = FieldManager.Apply(live, config, PodFields, "b", force: false, Later);

        Assert.Null(refused.Object);
        Assert.Equal([".metadata.labels.app", """.spec.containers[name="c"].image"""], refused.Conflicts.Select(c => c.Field).Order());
        Assert.All(refused.Conflicts, c => Assert.Equal("a", c.Owner.Manager));
        var status = FieldManager.ConflictStatus(refused.Conflicts);
        Assert.Equal(409, status.Code);
        Assert.Equal("Conflict", status.Reason);
        Assert.StartsWith("Apply failed with 2 conflicts: conflicts with \"a\":\n- ", status.Message);
        Assert.Equal("""Apply failed with 1 conflict: conflict with "a": .spec.containers[name="c"].image""",
            FieldManager.ConflictStatus([refused.Conflicts.Single(c => c.Field.EndsWith("image", StringComparison.Ordinal))]).Message);
        Assert.All(status.Causes, c => Assert.Equal(("FieldManagerConflict", "conflict with \"a\""), (c.Reason, c.Message)));

        var forced = FieldManager.Apply(live, config, PodFields, "b", force: true, Later).Object!;

        Assert.Equal("nginx:2", forced["spec"]!["containers"]![0]!["image"]!.GetValue<string>());
        var entries = Entries(forced);
        Assert.True(entries.Single(e => e.Manager == "b").Fields.Has("f:spec", "f:containers", "k:{\"name\":\"c\"}", "f:image"));
        var a = entries.Single(e => e.Manager == "a");
        Assert.False(a.Fields.Has("f:spec", "f:containers", "k:{\"name\":\"c\"}", "f:image"));
        Assert.True(a.Fields.Has("f:spec", "f:containers", "k:{\"name\":\"c\"}", "f:ports", "k:{\"containerPort\":80}"));
    }

    [Fact]
    public void An_update_takes_the_fields_it_changes_and_an_applier_then_conflicts_with_it()
    {
        var live = FieldManager.Apply(null, Pod(), PodFields, "a", false, Now).Object!;
        var edited = Pod(image: "nginx:edited");
        edited["spec"]!.AsObject().Remove("hostname"); // an update stores what it is given; a null is not "unset" there
        edited["metadata"]!["managedFields"] = live["metadata"]!["managedFields"]!.DeepClone();

        Assert.Null(FieldManager.RecordUpdate(live, edited, PodFields, "kubectl-edit", "v1", "", Later));

        var editor = Entries(edited).Single(e => e.Manager == "kubectl-edit");
        Assert.Equal(("Update", Later), (editor.Operation, editor.Time));
        Assert.Equal("""{"f:spec":{"f:containers":{"k:{\"name\":\"c\"}":{"f:image":{}}}}}""", Json(editor.Fields.ToFieldsV1()));
        Assert.Equal(["Apply", "Update"], Entries(edited).Select(e => e.Operation));

        var conflict = FieldManager.Apply(edited, Pod(), PodFields, "a", false, Later).Conflicts.Single();
        Assert.Equal("\"kubectl-edit\" using v1", conflict.Owner.Describe());
    }

    [Fact]
    public void An_update_that_changes_nothing_keeps_managedFields_as_they_were()
    {
        var created = Pod();
        Assert.Null(FieldManager.RecordUpdate((JsonObject?)null, created, PodFields, "kubectl-create", "v1", "", Now));
        var same = Pod();

        Assert.Null(FieldManager.RecordUpdate(created, same, PodFields, "other", "v1", "", Later));

        Assert.Equal(created.ToJsonString(), same.ToJsonString());
        Assert.Equal("kubectl-create", Assert.Single(Entries(same)).Manager);
    }

    [Fact]
    public void An_applied_keyed_list_item_without_its_key_is_refused()
    {
        var config = Obj("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"image":"x"}]}}""");

        var outcome = FieldManager.Apply(null, config, PodFields, "a", false, Now);

        Assert.Equal(""".spec.containers: element 0: associative list with keys has an element that omits key field "name" (and doesn't have default value)""", outcome.Error);
    }
}
