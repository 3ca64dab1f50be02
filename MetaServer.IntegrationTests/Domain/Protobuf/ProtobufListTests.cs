using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using MetaServer.Domain.Protobuf;

namespace MetaServer.IntegrationTests.Domain.Protobuf;

/// <summary>The two-pass protobuf list: sized first, then written item by item with the length it announced.</summary>
public sealed class ProtobufListTests
{
    [Theory]
    [InlineData(3)] // every item kept from the first pass
    [InlineData(600)] // ~600 KB: past the kept budget, most items converted again in the second pass
    public void A_list_written_in_two_passes_decodes_to_its_items(int count)
    {
        var items = Enumerable.Range(0, count)
            .Select(i => Encoding.UTF8.GetBytes($$$"""{"metadata":{"name":"cm-{{{i}}}","resourceVersion":"{{{i + 1}}}"},"data":{"v":"{{{new string('v', 1000)}}}"}}"""))
            .ToArray();
        var output = new ArrayBufferWriter<byte>();
        using (var list = new ProtobufList(WireSchema.Default.Find("core.v1.ConfigMap")!))
        {
            foreach (var item in items)
            {
                list.Measure(item);
            }

            list.WriteStart(output, "v1", "ConfigMapList", "42", "next-page");
            foreach (var item in items)
            {
                list.WriteItem(output, item);
            }

            list.WriteEnd(output);
        }

        var decoded = JsonNode.Parse(KubeProtobuf.DecodeToJson(output.WrittenSpan, WireSchema.Default, "", "", out var error)!)!;
        Assert.Null(error);
        Assert.Equal("ConfigMapList", decoded["kind"]!.GetValue<string>());
        Assert.Equal("42", decoded["metadata"]!["resourceVersion"]!.GetValue<string>());
        Assert.Equal("next-page", decoded["metadata"]!["continue"]!.GetValue<string>());
        var decodedItems = decoded["items"]!.AsArray();
        Assert.Equal(count, decodedItems.Count);
        for (var i = 0; i < count; i++)
        {
            ProtobufGoldenTests.AssertJsonEqual(JsonNode.Parse(items[i])!, decodedItems[i]!);
        }
    }

    [Fact]
    public void An_item_that_changed_between_the_passes_fails_the_list_instead_of_sending_a_wrong_length()
    {
        var output = new ArrayBufferWriter<byte>();
        using var list = new ProtobufList(WireSchema.Default.Find("core.v1.ConfigMap")!);
        var big = new string('x', ProtobufList.KeptBudget);
        list.Measure(Encoding.UTF8.GetBytes($$$"""{"metadata":{"name":"fills-the-budget"},"data":{"x":"{{{big}}}"}}"""));
        list.Measure("""{"metadata":{"name":"a"}}"""u8);
        list.WriteStart(output, "v1", "ConfigMapList", "1", null);
        list.WriteItem(output, "ignored: the first item was kept"u8);
        list.WriteItem(output, """{"metadata":{"name":"a-longer-name"}}"""u8);

        Assert.Throws<InvalidOperationException>(() => list.WriteEnd(output));
    }
}
