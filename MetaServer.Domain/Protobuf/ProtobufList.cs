using System.Buffers;

namespace MetaServer.Domain.Protobuf;

/// <summary>
/// A list in protobuf (an XList in the envelope), written item by item in two passes over the same items. The
/// envelope's raw field, which holds the whole list, states its length before the first item, so a first pass
/// (<see cref="Measure"/>) sizes each item; then <see cref="WriteStart"/> writes the envelope's head and
/// <see cref="WriteItem"/> each item, converted again and sent as it goes. Items of the first
/// <see cref="KeptBudget"/> bytes are kept from the first pass rather than converted twice, so a small list is
/// converted once; a large one holds that much and one item at a time, never the whole list.
/// </summary>
public sealed class ProtobufList(WireMessage itemMessage) : IDisposable
{
    /// <summary>How many bytes of converted items the first pass keeps for the second.</summary>
    public const int KeptBudget = 256 * 1024;

    private readonly ProtoWriter _kept = new(16 * 1024);
    private readonly ProtoWriter _counter = ProtoWriter.Counting();
    private readonly ProtoWriter _item = new(16 * 1024);
    private readonly List<int> _keptEnds = [];
    private long _itemsLength;
    private long _written;
    private int _index;

    /// <summary>The items measured so far.</summary>
    public int Count { get; private set; }

    /// <summary>First pass: sizes one item (field 2 of the list) from its JSON, keeping its bytes while within the budget.</summary>
    public void Measure(ReadOnlySpan<byte> itemJson)
    {
        if (_keptEnds.Count == Count && _kept.Length < KeptBudget)
        {
            var start = _kept.Length;
            WriteItemTo(_kept, itemJson);
            _keptEnds.Add(_kept.Length);
            _itemsLength += _kept.Length - start;
        }
        else
        {
            _counter.Clear();
            WriteItemTo(_counter, itemJson);
            _itemsLength += _counter.Length;
        }

        Count++;
    }

    /// <summary>The magic, the envelope up to the raw field's length, and the ListMeta (resourceVersion, continue).</summary>
    public void WriteStart(IBufferWriter<byte> output, string apiVersion, string listKind, string resourceVersion, string? continueToken)
    {
        using var head = new ProtoWriter(256);
        head.WriteRaw(KubeProtobuf.Magic);
        KubeProtobuf.WriteTypeMeta(head, apiVersion, listKind);

        using var listMeta = new ProtoWriter(256);
        var meta = listMeta.BeginMessage(1);
        listMeta.WriteString(2, resourceVersion);
        listMeta.WriteString(3, continueToken ?? "");
        listMeta.EndMessage(meta);

        head.WriteTag(2, 2);
        head.WriteVarint((ulong)(listMeta.Length + _itemsLength));
        output.Write(head.WrittenSpan);
        output.Write(listMeta.WrittenSpan);
    }

    /// <summary>
    /// Second pass: the next item, given the same JSON as in the first pass and in the same order. Throws if it
    /// does not come out the size measured (the length already sent would be wrong).
    /// </summary>
    public void WriteItem(IBufferWriter<byte> output, ReadOnlySpan<byte> itemJson)
    {
        if (_index >= Count)
        {
            throw new InvalidOperationException("more items written than measured");
        }

        if (_index < _keptEnds.Count)
        {
            var from = _index == 0 ? 0 : _keptEnds[_index - 1];
            var kept = _kept.WrittenSpan[from.._keptEnds[_index]];
            output.Write(kept);
            _written += kept.Length;
        }
        else
        {
            _item.Clear();
            WriteItemTo(_item, itemJson);
            output.Write(_item.WrittenSpan);
            _written += _item.Length;
        }

        _index++;
    }

    /// <summary>The envelope's tail (empty contentEncoding and contentType), once every measured item is written.</summary>
    public void WriteEnd(IBufferWriter<byte> output)
    {
        if (_index != Count || _written != _itemsLength)
        {
            throw new InvalidOperationException($"the list's items came out {_written} bytes in {_index} items, not the {_itemsLength} in {Count} measured");
        }

        using var tail = new ProtoWriter(16);
        KubeProtobuf.WriteContentFields(tail);
        output.Write(tail.WrittenSpan);
    }

    public void Dispose()
    {
        _kept.Dispose();
        _item.Dispose();
        _counter.Dispose();
    }

    private void WriteItemTo(ProtoWriter writer, ReadOnlySpan<byte> itemJson)
    {
        var start = writer.BeginMessage(2);
        JsonToProtobuf.WriteMessage(writer, itemMessage, itemJson);
        writer.EndMessage(start);
    }
}
