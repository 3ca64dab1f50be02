using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using MetaServer.IntegrationTests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace MetaServer.IntegrationTests.Storage;

/// <summary>What is stored stays stored: across a restart, with its revision, in the schema the issue names.</summary>
public sealed class PersistenceTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private string DatabasePath => Path.Combine(_folder.Path, "edgemeta.db");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Objects_and_the_revision_survive_a_restart_on_the_same_file()
    {
        string revisionBefore;
        string uid;
        await using (var first = new EdgeMetaServer(databasePath: DatabasePath))
        {
            var client = first.CreateClient();
            var (_, pod) = await client.PostJsonAsync("/api/v1/namespaces/default/pods", KubeHttp.Pod("survivor"));
            uid = pod.Meta("uid");
            await client.PostJsonAsync("/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"cfg"},"data":{"k":"v"}}""");
            await client.DeleteJsonAsync("/api/v1/namespaces/default/configmaps/cfg");
            revisionBefore = (await client.GetJsonAsync("/api/v1/pods")).Body.Meta("resourceVersion");
        }

        await using var second = new EdgeMetaServer(databasePath: DatabasePath);
        var again = second.CreateClient();

        var (code, survivor) = await again.GetJsonAsync("/api/v1/namespaces/default/pods/survivor");
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal(uid, survivor.Meta("uid"));
        var (goneCode, _) = await again.GetJsonAsync("/api/v1/namespaces/default/configmaps/cfg");
        Assert.Equal(HttpStatusCode.NotFound, goneCode);
        Assert.Equal(revisionBefore, (await again.GetJsonAsync("/api/v1/pods")).Body.Meta("resourceVersion"));

        var (_, next) = await again.PostJsonAsync("/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"after"}}""");
        Assert.Equal(long.Parse(revisionBefore) + 1, long.Parse(next.Meta("resourceVersion")));
    }

    [Fact]
    public async Task Every_committed_change_is_in_the_change_log_with_its_revision()
    {
        await using (var server = new EdgeMetaServer(databasePath: DatabasePath))
        {
            var client = server.CreateClient();
            await client.PostJsonAsync("/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"log"},"data":{"v":"1"}}""");
            await client.PatchJsonAsync("/api/v1/namespaces/default/configmaps/log", """{"data":{"v":"2"}}""", "application/merge-patch+json");
            await client.DeleteJsonAsync("/api/v1/namespaces/default/configmaps/log");
        }

        using var db = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly");
        db.Open();
        var changes = db.Query<(long Revision, string Type, long Prev, string Value)>(
            "SELECT revision, type, prev_revision, value FROM changes WHERE key = '/core/v1/configmaps/default/log' ORDER BY revision").ToArray();
        Assert.Equal(["ADDED", "MODIFIED", "DELETED"], changes.Select(c => c.Type));
        Assert.Equal(0, changes[0].Prev);
        Assert.Equal(changes[0].Revision, changes[1].Prev);
        Assert.Equal(changes[1].Revision, changes[2].Prev);
        Assert.All(changes, c => Assert.Contains($"\"resourceVersion\":\"{c.Revision}\"", c.Value));
        Assert.Equal(changes[^1].Revision, db.QuerySingle<long>("SELECT revision FROM store_state"));
        Assert.Equal(0, db.QuerySingle<long>("SELECT COUNT(*) FROM meta_v2 WHERE key = '/core/v1/configmaps/default/log'"));
    }

    [Fact]
    public async Task The_database_is_in_WAL_mode_with_the_schema_migrations_recorded()
    {
        await using (var server = new EdgeMetaServer(databasePath: DatabasePath))
        {
            await server.CreateClient().GetJsonAsync("/api/v1/pods");
        }

        using var db = new SqliteConnection($"Data Source={DatabasePath}");
        db.Open();
        Assert.Equal("wal", db.QuerySingle<string>("PRAGMA journal_mode"));
        Assert.Equal([1, 2, 3, 4, 5], db.Query<int>("SELECT version FROM schema_migrations ORDER BY version"));
        var tables = db.Query<string>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").ToArray();
        Assert.Superset(new HashSet<string> { "meta", "meta_v2", "changes", "store_state", "schema_migrations", "message_receipts" }, tables.ToHashSet());
    }

    [Fact]
    public async Task A_database_of_the_third_schema_is_migrated_with_its_objects_and_history_kept()
    {
        // What a release of schema 3 left, compacted to 2 (that release dropped every change up to the compaction
        // point): "moved" created at 1 (labelled app=a) and changed at 4 (app=b), its first state only in the copy
        // change 4 carries; "kept" changed at 2, its value only in meta_v2; "fresh" created at 3.
        using (var db = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            db.Open();
            global::MetaServer.Data.Migrations.Migrator.Apply(db, [.. global::MetaServer.Data.Migrations.Schema.Migrations.Where(m => m.Version <= 3)]);
            const string kept = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"kept","namespace":"default","resourceVersion":"2"},"data":{"a":"2"}}""";
            const string fresh = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"fresh","namespace":"default","resourceVersion":"3"},"data":{"b":"1"}}""";
            const string movedBefore = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"moved","namespace":"default","resourceVersion":"1","labels":{"app":"a"}},"data":{"m":"1"}}""";
            const string moved = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"moved","namespace":"default","resourceVersion":"4","labels":{"app":"b"}},"data":{"m":"2"}}""";
            db.Execute("""
                INSERT INTO meta_v2 (key, gvr, namespace, name, resource_version, labels, fields, value) VALUES
                    ('/core/v1/configmaps/default/kept', 'core/v1/configmaps', 'default', 'kept', 2, NULL, '{}', @kept),
                    ('/core/v1/configmaps/default/fresh', 'core/v1/configmaps', 'default', 'fresh', 3, NULL, '{}', @fresh),
                    ('/core/v1/configmaps/default/moved', 'core/v1/configmaps', 'default', 'moved', 4, '{"app":"b"}', '{}', @moved);
                INSERT INTO changes (revision, key, gvr, namespace, name, type, prev_revision, labels, fields, prev_labels, prev_fields, value, prev_value, committed_at) VALUES
                    (3, '/core/v1/configmaps/default/fresh', 'core/v1/configmaps', 'default', 'fresh', 'ADDED', 0, NULL, '{}', NULL, NULL, @fresh, NULL, 1),
                    (4, '/core/v1/configmaps/default/moved', 'core/v1/configmaps', 'default', 'moved', 'MODIFIED', 1, '{"app":"b"}', '{}', '{"app":"a"}', '{}', @moved, @movedBefore, 1);
                UPDATE store_state SET revision = 4, compacted_revision = 2;
                """, new { kept, fresh, moved, movedBefore });
        }

        await using (var server = new EdgeMetaServer(databasePath: DatabasePath))
        {
            var client = server.CreateClient();
            var (code, kept) = await client.GetJsonAsync("/api/v1/namespaces/default/configmaps/kept");
            Assert.Equal(HttpStatusCode.OK, code);
            Assert.Equal(("2", "2"), (kept["data"]!["a"]!.GetValue<string>(), kept.Meta("resourceVersion")));

            // The state at the compaction point and after it read back; before it is gone.
            static string Summary(JsonNode list) => string.Join(",", list["items"]!.AsArray().Select(i =>
                $"{i!["metadata"]!["name"]}@{i["metadata"]!["resourceVersion"]}"));
            var (_, atTwo) = await client.GetJsonAsync("/api/v1/namespaces/default/configmaps?resourceVersion=2&resourceVersionMatch=Exact");
            Assert.Equal("kept@2,moved@1", Summary(atTwo));
            var (_, atThree) = await client.GetJsonAsync("/api/v1/namespaces/default/configmaps?resourceVersion=3&resourceVersionMatch=Exact");
            Assert.Equal("fresh@3,kept@2,moved@1", Summary(atThree));

            // A watcher of app=a resuming from 2 is told that moved left its selection at 4.
            using var watch = await client.GetAsync("/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=2&labelSelector=app%3Da&timeoutSeconds=1");
            var events = (await watch.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToArray();
            Assert.Equal("DELETED moved", string.Join(";", events.Select(e => $"{e["type"]} {e["object"]!["metadata"]!["name"]}")));
            var (goneCode, _) = await client.GetJsonAsync("/api/v1/namespaces/default/configmaps?resourceVersion=1&resourceVersionMatch=Exact");
            Assert.Equal(HttpStatusCode.Gone, goneCode);

            // Writes go on from the stored revision (start-up's namespaces come first), onto the migrated rows.
            var (_, changed) = await client.PatchJsonAsync("/api/v1/namespaces/default/configmaps/kept", """{"data":{"a":"3"}}""", "application/merge-patch+json");
            Assert.Equal("3", changed["data"]!["a"]!.GetValue<string>());
            Assert.True(long.Parse(changed.Meta("resourceVersion")) > 3);
        }

        using var check = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly;Pooling=False");
        check.Open();
        Assert.Equal([1, 2, 3, 4, 5], check.Query<int>("SELECT version FROM schema_migrations ORDER BY version"));
        var columns = check.Query<string>("SELECT name FROM pragma_table_info('meta_v2') UNION ALL SELECT name FROM pragma_table_info('changes')").ToArray();
        Assert.DoesNotContain("value", check.Query<string>("SELECT name FROM pragma_table_info('meta_v2')"));
        Assert.DoesNotContain("prev_value", columns);
        Assert.Equal("ok", check.QuerySingle<string>("PRAGMA integrity_check"));
    }

    [Fact]
    public async Task Stored_rows_hold_the_json_text_and_the_selectable_fields()
    {
        await using (var server = new EdgeMetaServer(databasePath: DatabasePath))
        {
            await server.CreateClient().PostJsonAsync("/api/v1/namespaces/default/pods", KubeHttp.Pod("row", node: "edge-9"));
        }

        using var db = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly");
        db.Open();
        // meta_v2 indexes the object; its JSON text is stored once, in the change that wrote it.
        const string join = "FROM meta_v2 m JOIN changes c ON c.revision = m.resource_version WHERE m.key = '/core/v1/pods/default/row'";
        var row = db.QuerySingle<(string Gvr, string Namespace, string Name, string Type, string Fields)>(
            "SELECT m.gvr, m.namespace, m.name, typeof(c.value), m.fields " + join);
        Assert.Equal(("core/v1/pods", "default", "row", "text"), (row.Gvr, row.Namespace, row.Name, row.Type));
        Assert.Contains("\"spec.nodeName\":\"edge-9\"", row.Fields);
        Assert.Equal("edge-9", db.QuerySingle<string>("SELECT json_extract(c.value, '$.spec.nodeName') " + join));
    }
}
