using System.Buffers;

namespace MetaServer.Domain.Protobuf;

/// <summary>
/// A list in protobuf (an XList in the envelope). Items are converted one at a time from their stored JSON;
/// their protobuf bytes are gathered because the envelope's raw field, and the list inside it, must carry their
/// total length before the first item can be sent.
/// </summary>
public sealed class ProtobufList(WireMessage itemMessage) : IDisposable
{
    private readonly ProtoWriter _items = new(64 * 1024);

    public int Count { get; private set; }

    /// <summary>Converts one item (field 2 of the list) from its JSON.</summary>
    public void Add(ReadOnlySpan<byte> itemJson)
    {
        var start = _items.BeginMessage(2);
        JsonToProtobuf.WriteMessage(_items, itemMessage, itemJson);
        _items.EndMessage(start);
        Count++;
    }

    /// <summary>Writes the enveloped list: ListMeta (resourceVersion, continue), then the items.</summary>
    public void WriteTo(IBufferWriter<byte> output, string apiVersion, string listKind, string resourceVersion, string? continueToken)
    {
        using var head = new ProtoWriter(256);
        head.WriteRaw(KubeProtobuf.Magic);
        KubeProtobuf.WriteTypeMeta(head, apiVersion, listKind);

        using var listMeta = new ProtoWriter(128);
        var meta = listMeta.BeginMessage(1);
        listMeta.WriteString(2, resourceVersion);
        listMeta.WriteString(3, continueToken ?? "");
        listMeta.EndMessage(meta);

        var rawLength = listMeta.Length + _items.Length;
        head.WriteTag(2, 2);
        head.WriteVarint((ulong)rawLength);
        output.Write(head.WrittenSpan);
        output.Write(listMeta.WrittenSpan);
        output.Write(_items.WrittenSpan);

        using var tail = new ProtoWriter(16);
        KubeProtobuf.WriteContentFields(tail);
        output.Write(tail.WrittenSpan);
    }

    public void Dispose() => _items.Dispose();
}
