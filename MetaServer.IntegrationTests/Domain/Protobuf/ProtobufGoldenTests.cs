using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using MetaServer.Domain.Kubernetes;
using MetaServer.Domain.Protobuf;

namespace MetaServer.IntegrationTests.Domain.Protobuf;

/// <summary>
/// The converter against bytes made by protoc from the upstream .proto files (tools/proto/make-goldens.sh):
/// each golden decodes to the JSON it stands for, and that JSON encodes to bytes that decode back to it.
/// </summary>
public sealed class ProtobufGoldenTests
{
    public static TheoryData<string> Samples()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Folder, "*--*.pb").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileNameWithoutExtension(file));
        }

        return data;
    }

    [Fact]
    public void Every_served_kind_with_a_protobuf_form_has_a_golden()
    {
        var names = Directory.GetFiles(Folder, "*--*.pb").Select(Path.GetFileNameWithoutExtension).ToArray();
        var served = ResourceCatalog.BuiltIn.All
            .Select(t => WireSchema.Default.ForKind(t.Group, t.Version, t.Kind)?.Name)
            .OfType<string>()
            .ToArray();
        Assert.Equal(20, served.Length); // every built-in kind but CustomResourceDefinition
        foreach (var message in served.Concat(["meta.v1.DeleteOptions", "meta.v1.Status", "core.v1.PodList"]))
        {
            Assert.Contains(names, n => n!.StartsWith(message + "--", StringComparison.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Golden_bytes_decode_to_the_json_they_stand_for(string sample)
    {
        if (sample.StartsWith("envelope--", StringComparison.Ordinal))
        {
            return; // the envelope has its own test below
        }

        var expected = ExpectedJson(sample);
        var decoded = Decode(MessageOf(sample), expected, File.ReadAllBytes(Path.Combine(Folder, sample + ".pb")));
        AssertJsonEqual(expected, decoded);
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Json_encodes_to_bytes_that_decode_back_to_it(string sample)
    {
        if (sample.StartsWith("envelope--", StringComparison.Ordinal))
        {
            return;
        }

        var expected = ExpectedJson(sample);
        var message = MessageOf(sample);
        using var writer = new ProtoWriter();
        JsonToProtobuf.WriteMessage(writer, message, JsonSerializer.SerializeToUtf8Bytes(expected));

        AssertJsonEqual(expected, Decode(message, expected, writer.WrittenSpan.ToArray()));
    }

    [Fact]
    public void Unknown_fields_are_written_back_as_they_came()
    {
        var golden = File.ReadAllBytes(Path.Combine(Folder, "core.v1.ConfigMap--unknown.pb"));
        var message = WireSchema.Default.Find("core.v1.ConfigMap")!;
        var json = Decode(message, ExpectedJson("core.v1.ConfigMap--unknown"), golden);
        using var writer = new ProtoWriter();
        JsonToProtobuf.WriteMessage(writer, message, JsonSerializer.SerializeToUtf8Bytes(json));

        Assert.Equal("uj4FbGF0ZXI=", json[ProtobufToJson.UnknownFieldsMember]!.GetValue<string>());
        Assert.True(writer.WrittenSpan.EndsWith((byte[])[0xba, 0x3e, 0x05, .. "later"u8]));
    }

    [Fact]
    public void The_envelope_made_by_protoc_decodes_to_the_pod()
    {
        var body = File.ReadAllBytes(Path.Combine(Folder, "envelope--pod.pb"));
        var json = KubeProtobuf.DecodeToJson(body, WireSchema.Default, "", "", out var error);

        Assert.Null(error);
        AssertJsonEqual(ExpectedJson("core.v1.Pod--full"), JsonNode.Parse(json!)!);
    }

    [Fact]
    public void An_object_encodes_to_the_envelope_protoc_makes()
    {
        var golden = File.ReadAllBytes(Path.Combine(Folder, "envelope--pod.pb"));
        var pod = ExpectedJson("core.v1.Pod--full").ToJsonString();
        var encoded = KubeProtobuf.EncodeObject(WireSchema.Default.Find("core.v1.Pod")!, "v1", "Pod", System.Text.Encoding.UTF8.GetBytes(pod));

        Assert.True(encoded.AsSpan().StartsWith("k8s\0"u8));
        Assert.True(KubeProtobuf.TryReadEnvelope(encoded, out var apiVersion, out var kind, out _, out var error), error);
        Assert.Equal(("v1", "Pod"), (apiVersion, kind));
        // Field order may differ from protoc's, so compare what both decode to.
        var ours = JsonNode.Parse(KubeProtobuf.DecodeToJson(encoded, WireSchema.Default, "", "", out _)!)!;
        var theirs = JsonNode.Parse(KubeProtobuf.DecodeToJson(golden, WireSchema.Default, "", "", out _)!)!;
        AssertJsonEqual(theirs, ours);
    }

    [Theory]
    [InlineData(new byte[] { 0x6b, 0x38, 0x73 }, "prefix")]
    [InlineData(new byte[] { 0x6b, 0x38, 0x73, 0x00, 0x12, 0x05, 0x0a }, "malformed")]
    [InlineData(new byte[] { 0x6b, 0x38, 0x73, 0x00, 0x0a, 0x07, 0x0a, 0x02, 0x76, 0x31, 0x12, 0x01, 0x58 }, "no protobuf form")]
    public void Bodies_that_are_not_enveloped_objects_are_refused_with_a_reason(byte[] body, string reason)
    {
        var json = KubeProtobuf.DecodeToJson(body, WireSchema.Default, "v1", "ConfigMap", out var error);

        Assert.Null(json);
        Assert.Contains(reason, error);
    }

    [Fact]
    public void A_string_that_is_not_utf8_gets_the_replacement_character_as_Go_json_writes_it()
    {
        // ConfigMap{metadata{name: "\xff"}} in an envelope.
        byte[] raw = [0x0a, 0x03, 0x0a, 0x01, 0xff];
        var body = new ArrayBufferWriter<byte>();
        body.Write("k8s\0"u8);
        body.Write((byte[])[0x0a, 0x0f, 0x0a, 0x02, (byte)'v', (byte)'1', 0x12, 0x09, .. "ConfigMap"u8, 0x12, (byte)raw.Length, .. raw]);

        var json = KubeProtobuf.DecodeToJson(body.WrittenSpan, WireSchema.Default, "", "", out var error);

        Assert.Null(error);
        Assert.Equal("\uFFFD", JsonNode.Parse(json!)!["metadata"]!["name"]!.GetValue<string>());
    }

    internal static string Folder => Path.Combine(RepositoryRoot(), "MetaServer.IntegrationTests", "TestData", "proto");

    private static WireMessage MessageOf(string sample) =>
        WireSchema.Default.Find(sample[..sample.IndexOf("--", StringComparison.Ordinal)]) ?? throw new InvalidOperationException(sample);

    private static JsonNode ExpectedJson(string sample) => JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, sample + ".json")))!;

    // The bare message decoded into an object that starts with the expected kind and apiVersion.
    private static JsonNode Decode(WireMessage message, JsonNode expected, byte[] bytes)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            writer.WriteString("kind", expected["kind"]!.GetValue<string>());
            writer.WriteString("apiVersion", expected["apiVersion"]!.GetValue<string>());
            ProtobufToJson.WriteMembers(writer, message, bytes, ProtobufToJson.UnknownFieldsMember);
            writer.WriteEndObject();
        }

        return JsonNode.Parse(output.WrittenSpan)!;
    }

    internal static void AssertJsonEqual(JsonNode expected, JsonNode actual) =>
        Assert.True(JsonNode.DeepEquals(expected, actual), $"expected:\n{expected.ToJsonString()}\nactual:\n{actual.ToJsonString()}");

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "EdgeMeta.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("the repository root (EdgeMeta.sln) was not found above " + AppContext.BaseDirectory);
    }
}
