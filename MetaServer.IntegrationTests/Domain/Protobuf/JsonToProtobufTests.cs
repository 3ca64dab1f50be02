using System.Text;
using System.Text.Json.Nodes;
using MetaServer.Domain.Protobuf;

namespace MetaServer.IntegrationTests.Domain.Protobuf;

/// <summary>The JSON → protobuf reader on what the goldens do not carry: escapes, time forms, raw JSON, unknown fields inside an inline message.</summary>
public sealed class JsonToProtobufTests
{
    [Theory]
    // Escaped member names and values are read unescaped.
    [InlineData("core.v1.ConfigMap", """{"metadata":{"na\u006de":"a\"b\u00e9\\n"},"data":{"k\u0031":"\/v"}}""",
        """{"metadata":{"name":"a\"bé\\n"},"data":{"k1":"/v"}}""")]
    // A Time with an offset or a fraction is the same instant to the second; a MicroTime keeps microseconds.
    [InlineData("coordination.v1.Lease", """{"spec":{"acquireTime":"2026-01-02T04:04:05.9+01:00","renewTime":"2026-01-02T03:04:05.1234567Z"}}""",
        """{"spec":{"acquireTime":"2026-01-02T03:04:05.900000Z","renewTime":"2026-01-02T03:04:05.123456Z"}}""")]
    [InlineData("core.v1.Event", """{"firstTimestamp":"2026-01-02T03:04:05.999Z","lastTimestamp":"2026-01-01T22:04:05-05:00"}""",
        """{"firstTimestamp":"2026-01-02T03:04:05Z","lastTimestamp":"2026-01-02T03:04:05Z"}""")]
    // FieldsV1 is carried as its JSON text, whatever its shape.
    [InlineData("core.v1.ConfigMap", """{"metadata":{"managedFields":[{"manager":"kubectl","fieldsV1":{"f:data":{"f:a":{}}}}]}}""",
        """{"metadata":{"managedFields":[{"manager":"kubectl","fieldsV1":{"f:data":{"f:a":{}}}}]}}""")]
    // Members the table does not know and values of the wrong JSON type are left out, not fatal.
    [InlineData("core.v1.ConfigMap", """{"metadata":{"name":"x","future":{"a":[1,{"b":2}]},"generation":"7","labels":[1]},"immutable":true}""",
        """{"metadata":{"name":"x"},"immutable":true}""")]
    // Inline messages: a volume's source and a probe's handler sit in their parent's object.
    [InlineData("core.v1.Pod", """{"spec":{"volumes":[{"name":"v","hostPath":{"path":"/d"}}],"containers":[{"name":"c","livenessProbe":{"exec":{"command":["true"]},"periodSeconds":3}}]}}""",
        """{"spec":{"volumes":[{"name":"v","hostPath":{"path":"/d"}}],"containers":[{"name":"c","livenessProbe":{"exec":{"command":["true"]},"periodSeconds":3}}]}}""")]
    public void Json_encodes_to_the_protobuf_that_decodes_to_what_Go_would_write(string message, string json, string expected)
    {
        var decoded = RoundTrip(message, json);

        ProtobufGoldenTests.AssertJsonEqual(JsonNode.Parse(expected)!, decoded);
    }

    [Fact]
    public void Unknown_fields_of_an_inline_message_survive_a_round_trip()
    {
        // A Volume whose VolumeSource (inline, field 2) carries field 999 = "later", then the Volume's own field 998.
        byte[] volume = [0x0a, 0x01, (byte)'v', 0x12, 0x08, 0xba, 0x3e, 0x05, .. "later"u8, 0xb2, 0x3e, 0x01, (byte)'x'];
        var message = WireSchema.Default.Find("core.v1.Volume")!;
        var json = Decode(message, volume);
        Assert.NotNull(json[ProtobufToJson.UnknownFieldsMember + ".volumeSource"]);
        Assert.NotNull(json[ProtobufToJson.UnknownFieldsMember]);

        using var writer = new ProtoWriter();
        JsonToProtobuf.WriteMessage(writer, message, Encoding.UTF8.GetBytes(json.ToJsonString()));

        ProtobufGoldenTests.AssertJsonEqual(json, Decode(message, writer.WrittenSpan.ToArray()));
    }

    [Fact]
    public void A_counting_writer_measures_exactly_what_the_writer_writes()
    {
        var pod = File.ReadAllBytes(Path.Combine(ProtobufGoldenTests.Folder, "core.v1.Pod--full.json"));
        var message = WireSchema.Default.Find("core.v1.Pod")!;
        using var writer = new ProtoWriter(16);
        using var counter = ProtoWriter.Counting();

        JsonToProtobuf.WriteMessage(writer, message, pod);
        JsonToProtobuf.WriteMessage(counter, message, pod);

        Assert.Equal(writer.Length, counter.Length);
        Assert.True(writer.Length > 200);
    }

    private static JsonNode RoundTrip(string messageName, string json)
    {
        var message = WireSchema.Default.Find(messageName)!;
        using var writer = new ProtoWriter();
        JsonToProtobuf.WriteMessage(writer, message, Encoding.UTF8.GetBytes(json));
        return Decode(message, writer.WrittenSpan.ToArray());
    }

    private static JsonNode Decode(WireMessage message, byte[] bytes)
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new System.Text.Json.Utf8JsonWriter(output))
        {
            ProtobufToJson.WriteObject(writer, message, bytes);
        }

        return JsonNode.Parse(output.WrittenSpan)!;
    }
}
