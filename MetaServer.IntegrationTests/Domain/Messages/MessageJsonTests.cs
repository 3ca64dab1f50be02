using System.Text;
using System.Text.Json.Nodes;
using MetaServer.Domain.Messages;

namespace MetaServer.IntegrationTests.Domain.Messages;

public sealed class MessageJsonTests
{
    // Written as Go's encoding/json writes a beehive model.Message: compact, header/route/content in struct order,
    // omitempty fields left out, "route" and "content" always present.
    private const string CloudInsertOfPod =
        """{"header":{"msg_id":"6f1c2b0e-5d43-4c1a-9a55-3f0f4b1e2d10","timestamp":1718000000123,"resourceversion":"58231"},"route":{"source":"edgecontroller","group":"resource","operation":"insert","resource":"default/pod/nginx-7c5ddbdf54-x2k9p"},"content":{"metadata":{"name":"nginx-7c5ddbdf54-x2k9p","namespace":"default","uid":"0b3f6a9e-1c2d-4e5f-8a7b-6c5d4e3f2a1b","resourceVersion":"58231","creationTimestamp":"2024-06-10T06:13:20Z","labels":{"app":"nginx"}},"spec":{"containers":[{"name":"nginx","image":"nginx:1.25","resources":{}}],"nodeName":"edge-1","priority":0},"status":{"phase":"Pending"}}}""";

    private const string QueryAnswer =
        """{"header":{"msg_id":"a0e4f1d2-3b5c-4d6e-8f70-81a2b3c4d5e6","parent_msg_id":"5d2b9c10-7e3f-4a21-b0c4-d9e8f7a6b5c4","timestamp":1718000000456},"route":{"source":"metamanager","group":"meta","operation":"response","resource":"default/configmap"},"content":["{\"metadata\":{\"name\":\"app-config\",\"namespace\":\"default\"},\"data\":{\"mode\":\"edge\"}}","{\"metadata\":{\"name\":\"kube-root-ca.crt\",\"namespace\":\"default\"}}"]}""";

    private const string OkResponse =
        """{"header":{"msg_id":"c3d4e5f6-a7b8-4c9d-8e0f-112233445566","parent_msg_id":"6f1c2b0e-5d43-4c1a-9a55-3f0f4b1e2d10","timestamp":1718000000789},"route":{"source":"edgecontroller","group":"resource","operation":"response","resource":"default/pod/nginx-7c5ddbdf54-x2k9p"},"content":"OK"}""";

    private const string ConnectionBroadcast =
        """{"header":{"msg_id":"0d9c8b7a-6f5e-4d3c-9b2a-1f0e9d8c7b6a","timestamp":1718000001000},"route":{"source":"edgehub","group":"meta","operation":"connect","resource":"node/connection"},"content":"cloud_connected"}""";

    private const string SyncPatchFromAgent =
        """{"header":{"msg_id":"9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d","timestamp":1718000002000,"sync":true},"route":{"source":"edged","group":"meta","operation":"patch","resource":"default/podpatch/web-0"},"content":"{\"status\":{\"phase\":\"Running\"}}"}""";

    private const string EveryHeaderField =
        """{"header":{"msg_id":"m","parent_msg_id":"p","timestamp":-1,"resourceversion":"7","sync":true,"type":"unixsocket"},"route":{"source":"s","destination":"d","group":"g","operation":"o","resource":"r"},"content":[1,2.5,18446744073709551615,true,null,{"a":[]}]}""";

    private const string ZeroMessage = """{"header":{"msg_id":"","timestamp":0},"route":{},"content":null}""";

    private const string NonAsciiContent =
        """{"header":{"msg_id":"x","timestamp":1},"route":{"source":"edgecontroller","group":"resource","operation":"update","resource":"café/configmap/名前"},"content":{"data":{"greeting":"grüß dich","quote":"say \"hi\"\\n","tab":"a\tb"}}}""";

    public static TheoryData<string> GoSamples => new()
    {
        CloudInsertOfPod,
        QueryAnswer,
        OkResponse,
        ConnectionBroadcast,
        SyncPatchFromAgent,
        EveryHeaderField,
        ZeroMessage,
        NonAsciiContent,
    };

    [Theory]
    [MemberData(nameof(GoSamples))]
    public void Message_written_by_KubeEdge_is_written_back_byte_for_byte(string json)
    {
        var message = Read(json);

        Assert.Equal(json, Encoding.UTF8.GetString(MessageJson.ToUtf8Bytes(message)));
    }

    [Fact]
    public void Cloud_insert_of_a_pod_reads_header_route_and_object_content()
    {
        var message = Read(CloudInsertOfPod);

        Assert.Equal("6f1c2b0e-5d43-4c1a-9a55-3f0f4b1e2d10", message.Header.Id);
        Assert.Null(message.Header.ParentId);
        Assert.Equal(1718000000123, message.Header.Timestamp);
        Assert.Equal("58231", message.Header.ResourceVersion);
        Assert.False(message.Header.Sync);
        Assert.Equal(Sources.EdgeController, message.Route.Source);
        Assert.Equal(GroupNames.Resource, message.Route.Group);
        Assert.Equal(Operations.Insert, message.Route.Operation);
        Assert.Equal("default/pod/nginx-7c5ddbdf54-x2k9p", message.Route.Resource);
        Assert.Null(message.Route.Destination);
        Assert.Equal("0b3f6a9e-1c2d-4e5f-8a7b-6c5d4e3f2a1b", (string?)message.Content!["metadata"]!["uid"]);
    }

    [Fact]
    public void Query_answer_content_is_an_array_of_JSON_strings()
    {
        var message = Read(QueryAnswer);

        var rows = Assert.IsType<JsonArray>(message.Content);
        Assert.Equal(2, rows.Count);
        var first = JsonNode.Parse(rows[0]!.GetValue<string>())!;
        Assert.Equal("app-config", (string?)first["metadata"]!["name"]);
        Assert.Equal("5d2b9c10-7e3f-4a21-b0c4-d9e8f7a6b5c4", message.Header.ParentId);
        Assert.Equal(Operations.Response, message.Route.Operation);
    }

    [Fact]
    public void OK_response_is_recognised_and_names_its_request()
    {
        var message = Read(OkResponse);

        Assert.True(message.ContentIsOk());
        Assert.Equal("6f1c2b0e-5d43-4c1a-9a55-3f0f4b1e2d10", message.Header.ParentId);
    }

    [Fact]
    public void Connection_broadcast_reads_as_connected()
    {
        var message = Read(ConnectionBroadcast);

        Assert.True(NodeConnection.TryRead(message, out var connected));
        Assert.True(connected);
        Assert.Equal(NodeConnection.Source, message.Route.Source);
        Assert.Equal(NodeConnection.Resource, message.Route.Resource);
    }

    [Fact]
    public void Synchronous_request_reads_its_sync_flag_and_string_content()
    {
        var message = Read(SyncPatchFromAgent);

        Assert.True(message.Header.Sync);
        Assert.Equal("""{"status":{"phase":"Running"}}""", message.ContentText());
    }

    [Fact]
    public void Empty_strings_and_false_sync_are_left_out_as_Go_omitempty_does()
    {
        var message = new Message
        {
            Header = new MessageHeader { Id = "x", ParentId = "", Timestamp = 5, ResourceVersion = "", Sync = false, Type = "" },
            Route = new MessageRoute { Source = "", Destination = "", Group = "", Operation = "", Resource = "" },
        };

        Assert.Equal("""{"header":{"msg_id":"x","timestamp":5},"route":{},"content":null}""", Write(message));
    }

    [Fact]
    public void Message_id_and_timestamp_are_written_even_when_empty()
    {
        Assert.Equal(ZeroMessage, Write(new Message()));
    }

    [Fact]
    public void Field_names_are_matched_ignoring_case_as_Go_does()
    {
        var message = Read("""{"Header":{"MSG_ID":"a","Timestamp":3,"Sync":true},"ROUTE":{"Source":"edged","Operation":"query"},"Content":"OK"}""");

        Assert.Equal("a", message.Header.Id);
        Assert.Equal(3, message.Header.Timestamp);
        Assert.True(message.Header.Sync);
        Assert.Equal(ModuleNames.Edged, message.Route.Source);
        Assert.Equal(Operations.Query, message.Route.Operation);
        Assert.True(message.ContentIsOk());
    }

    [Theory]
    [InlineData("""{"route":{"source":"edged"}}""", """{"header":{"msg_id":"","timestamp":0},"route":{"source":"edged"},"content":null}""")]
    [InlineData("""{"header":null,"route":null,"content":null}""", ZeroMessage)]
    [InlineData("""{"header":{"msg_id":null,"parent_msg_id":""},"unknown":[1]}""", ZeroMessage)]
    public void Missing_or_null_parts_read_as_Go_zero_values(string json, string written)
    {
        Assert.Equal(written, Write(Read(json)));
    }

    [Theory]
    [InlineData("", "message is not valid JSON")]
    [InlineData("{", "message is not valid JSON")]
    [InlineData("[]", "message is not valid JSON")]
    [InlineData("""{"header":"x"}""", "message is not valid JSON")]
    [InlineData("""{"header":{"timestamp":"1"}}""", "message is not valid JSON")]
    [InlineData("null", "message is null")]
    [InlineData("{\"route\":{},\"content\":\"x\"} x", "message is not valid JSON")]
    [InlineData("{\"route\":{},\"content\":\"x\"}{}", "message is not valid JSON")]
    public void Malformed_message_is_an_error_value(string json, string reason)
    {
        Assert.False(MessageJson.TryRead(Encoding.UTF8.GetBytes(json), out var message, out var error));

        Assert.Null(message);
        Assert.StartsWith(reason, error);
    }

    [Fact]
    public void The_newline_Gos_websocket_writer_ends_a_message_with_is_no_error()
    {
        Assert.True(MessageJson.TryRead(Encoding.UTF8.GetBytes("{\"route\":{\"operation\":\"query\"},\"content\":\"x\"}\n"), out var message, out var error), error);
        Assert.Equal(("query", "x"), (message.Route.Operation, message.ContentText()));
    }

    [Fact]
    public void Character_outside_the_basic_plane_is_escaped_and_reads_back_the_same()
    {
        var json = """{"header":{"msg_id":"x","timestamp":1},"route":{},"content":"wave 👋"}""";

        var written = Write(Read(json));

        Assert.Equal("""{"header":{"msg_id":"x","timestamp":1},"route":{},"content":"wave \uD83D\uDC4B"}""", written);
        Assert.Equal("wave 👋", Read(written).ContentText());
    }

    [Fact]
    public void Html_characters_are_written_plainly_where_Go_escapes_them_and_read_back_the_same()
    {
        var goJson = """{"header":{"msg_id":"x","timestamp":1},"route":{},"content":"a \u003c b \u0026\u0026 c \u003e d"}""";

        var written = Write(Read(goJson));

        Assert.Equal("""{"header":{"msg_id":"x","timestamp":1},"route":{},"content":"a < b && c > d"}""", written);
        Assert.Equal(Read(goJson).ContentText(), Read(written).ContentText());
    }

    private static Message Read(string json)
    {
        Assert.True(MessageJson.TryRead(Encoding.UTF8.GetBytes(json), out var message, out var error), error);
        return message;
    }

    private static string Write(Message message) => Encoding.UTF8.GetString(MessageJson.ToUtf8Bytes(message));
}
