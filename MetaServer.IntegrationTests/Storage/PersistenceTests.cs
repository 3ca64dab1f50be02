using System.Net;
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
        Assert.Equal([1, 2, 3], db.Query<int>("SELECT version FROM schema_migrations ORDER BY version"));
        var tables = db.Query<string>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").ToArray();
        Assert.Superset(new HashSet<string> { "meta", "meta_v2", "changes", "store_state", "schema_migrations", "message_receipts" }, tables.ToHashSet());
    }

    [Fact]
    public async Task A_database_of_the_first_schema_is_migrated_with_its_objects_kept()
    {
        await using (var server = new EdgeMetaServer(databasePath: DatabasePath))
        {
            await server.CreateClient().PostJsonAsync("/api/v1/namespaces/default/configmaps",
                """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"kept"},"data":{"a":"1"}}""");
        }

        // Take the file back to what the first release wrote.
        using (var db = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            db.Open();
            db.Execute("DROP TABLE message_receipts; DROP TABLE outbox; DELETE FROM schema_migrations WHERE version > 1;");
        }

        await using (var server = new EdgeMetaServer(databasePath: DatabasePath))
        {
            var (code, kept) = await server.CreateClient().GetJsonAsync("/api/v1/namespaces/default/configmaps/kept");
            Assert.Equal(System.Net.HttpStatusCode.OK, code);
            Assert.Equal("1", kept["data"]!["a"]!.GetValue<string>());
        }

        using var check = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly;Pooling=False");
        check.Open();
        Assert.Equal([1, 2, 3], check.Query<int>("SELECT version FROM schema_migrations ORDER BY version"));
        Assert.Equal(0, check.QuerySingle<int>("SELECT COUNT(*) FROM message_receipts"));
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
        var row = db.QuerySingle<(string Gvr, string Namespace, string Name, string Type, string Fields)>(
            "SELECT gvr, namespace, name, typeof(value), fields FROM meta_v2 WHERE key = '/core/v1/pods/default/row'");
        Assert.Equal(("core/v1/pods", "default", "row", "text"), (row.Gvr, row.Namespace, row.Name, row.Type));
        Assert.Contains("\"spec.nodeName\":\"edge-9\"", row.Fields);
        Assert.Equal("edge-9", db.QuerySingle<string>("SELECT json_extract(value, '$.spec.nodeName') FROM meta_v2 WHERE key = '/core/v1/pods/default/row'"));
    }
}
