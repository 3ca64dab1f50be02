using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MetaServer.Domain.Tables;
using static MetaServer.IntegrationTests.Domain.Tables.Rows;

namespace MetaServer.IntegrationTests.Domain.Tables;

public sealed class TableWriterTests
{
    private const string ConfigMap = """
        {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"web","namespace":"shop","uid":"9d3c","resourceVersion":"41","creationTimestamp":"2025-03-10T11:00:00Z","labels":{"app":"web"},"managedFields":[{"manager":"kubectl","operation":"Apply"}]},"data":{"a":"1","b":"2"}}
        """;

    [Fact]
    public void List_table_is_written_in_the_apiserver_shape_with_metadata_rows()
    {
        var json = Write(w => TableWriter.WriteTable(w, "", "configmaps", [Parse(ConfigMap)],
            new TableListMeta("57", "eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ", 12), Now, IncludeObject.Metadata));

        Assert.Equal(
            """{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":"57","continue":"eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ","remainingItemCount":12},"columnDefinitions":[""" +
            Column("Name", "string", "name", 0) + "," + Column("Data", "string", "", 0) + "," + Column("Age", "string", "", 0) + "],\"rows\":" +
            """[{"cells":["web",2,"60m"],"object":{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{"name":"web","namespace":"shop","uid":"9d3c","resourceVersion":"41","creationTimestamp":"2025-03-10T11:00:00Z","labels":{"app":"web"},"managedFields":[{"manager":"kubectl","operation":"Apply"}]}}}]}""",
            json);
    }

    [Fact]
    public void Object_mode_carries_the_whole_object()
    {
        var table = Document(w => TableWriter.WriteTable(w, "", "configmaps", [Parse(ConfigMap)],
            TableListMeta.Empty, Now, IncludeObject.Object));

        Assert.True(JsonNode.DeepEquals(Parse(ConfigMap), table["rows"]![0]!["object"]));
    }

    [Fact]
    public void None_mode_writes_a_null_object()
    {
        var table = Document(w => TableWriter.WriteTable(w, "", "configmaps", [Parse(ConfigMap)],
            TableListMeta.Empty, Now, IncludeObject.None));

        var row = table["rows"]![0]!.AsObject();
        Assert.True(row.ContainsKey("object"));
        Assert.Null(row["object"]);
        Assert.Equal("""["web",2,"60m"]""", row["cells"]!.ToJsonString());
    }

    [Fact]
    public void Partial_metadata_keeps_only_object_meta_fields_and_a_null_creation_time()
    {
        const string odd = """
            { "apiVersion": "example.com/v1", "kind": "Widget",
              "metadata": { "name": "w", "clusterName": "legacy", "finalizers": [ "example.com/keep" ] }, "spec": { "size": 3 } }
            """;

        var table = Document(w => TableWriter.WriteTable(w, "example.com", "widgets", [Parse(odd)],
            TableListMeta.Empty, Now, IncludeObject.Metadata));

        Assert.Equal(
            """{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{"name":"w","creationTimestamp":null,"finalizers":["example.com/keep"]}}""",
            table["rows"]![0]!["object"]!.ToJsonString());
    }

    [Fact]
    public void Stored_bytes_are_copied_unchanged_in_Object_mode()
    {
        // Spacing and key order of the stored form survive, proving the bytes were not re-serialized.
        var stored = Encoding.UTF8.GetBytes("""{ "metadata" : {"name":"web"},  "kind":"ConfigMap", "data": {"k": "v"} }""");

        var json = Write(w =>
        {
            TableWriter.WriteStart(w, "", "configmaps", TableListMeta.Empty);
            TableWriter.WriteRow(w, "", "configmaps", stored, Now, IncludeObject.Object);
            TableWriter.WriteRow(w, "", "configmaps", stored, Now, IncludeObject.None);
            TableWriter.WriteEnd(w);
        });

        Assert.Contains("""{"cells":["web",1,"<unknown>"],"object":{ "metadata" : {"name":"web"},  "kind":"ConfigMap", "data": {"k": "v"} }}""",
            Readable(json), StringComparison.Ordinal);
        Assert.Contains("""{"cells":["web",1,"<unknown>"],"object":null}""", Readable(json), StringComparison.Ordinal);
    }

    [Fact]
    public void Finished_pod_rows_carry_conditions_and_running_ones_do_not()
    {
        const string done = """{ "metadata": { "name": "job-1" }, "spec": { "containers": [ { "name": "a" } ] }, "status": { "phase": "Succeeded" } }""";
        const string running = """{ "metadata": { "name": "web-1" }, "spec": { "containers": [ { "name": "a" } ] }, "status": { "phase": "Running" } }""";

        var table = Document(w => TableWriter.WriteTable(w, "", "pods", [Parse(done), Parse(running)],
            TableListMeta.Empty, Now, IncludeObject.None));

        Assert.Equal(
            """[{"type":"Completed","status":"True","reason":"Succeeded","message":"The pod has completed successfully."}]""",
            table["rows"]![0]!["conditions"]!.ToJsonString());
        Assert.False(table["rows"]![1]!.AsObject().ContainsKey("conditions"));
    }

    [Fact]
    public void Single_object_table_takes_the_object_resource_version()
    {
        var table = Document(w => TableWriter.WriteObjectTable(w, "", "configmaps", Parse(ConfigMap), Now, IncludeObject.Metadata));

        Assert.Equal("""{"resourceVersion":"41"}""", table["metadata"]!.ToJsonString());
        Assert.Equal(3, table["columnDefinitions"]!.AsArray().Count);
        Assert.Single(table["rows"]!.AsArray());
    }

    [Fact]
    public void Later_watch_events_leave_out_column_definitions()
    {
        var table = Document(w => TableWriter.WriteObjectTable(w, "", "configmaps", Parse(ConfigMap), Now,
            IncludeObject.Metadata, withColumnDefinitions: false));

        Assert.True(table.ContainsKey("columnDefinitions"));
        Assert.Null(table["columnDefinitions"]);
    }

    [Fact]
    public void Empty_list_has_empty_metadata_and_no_rows()
    {
        var json = Write(w => TableWriter.WriteTable(w, "", "secrets", [], TableListMeta.Empty, Now, IncludeObject.Metadata));

        Assert.StartsWith("""{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{},"columnDefinitions":[""", json, StringComparison.Ordinal);
        Assert.EndsWith("""],"rows":[]}""", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Stored_bytes_that_are_not_an_object_are_refused()
    {
        using var buffer = new MemoryStream();
        using var writer = new Utf8JsonWriter(buffer);

        Assert.Throws<ArgumentException>(() =>
            TableWriter.WriteRow(writer, "", "pods", "[1,2]"u8, Now, IncludeObject.Object));
    }

    private static string Column(string name, string type, string format, int priority)
    {
        var column = TableConverter.Columns("", "configmaps").Single(c => c.Name == name);
        return JsonSerializer.Serialize(new { name, type, format, description = column.Description, priority });
    }

    // The writer escapes '<' and '>' like the apiserver does; unescape for readable expectations.
    private static string Readable(string json) =>
        json.Replace("\\u003C", "<", StringComparison.Ordinal).Replace("\\u003E", ">", StringComparison.Ordinal);

    private static JsonObject Document(Action<Utf8JsonWriter> write) => Parse(Write(write));

    private static string Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
            write(writer);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
