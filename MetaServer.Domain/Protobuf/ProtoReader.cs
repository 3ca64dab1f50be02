namespace MetaServer.Domain.Protobuf;

/// <summary>Reads protobuf fields one by one from a span: tag, then a varint, a fixed number or a length-delimited payload.</summary>
public ref struct ProtoReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;

    public int Position { get; private set; }

    public readonly bool End => Position >= _data.Length;

    /// <summary>Reads the next field: its number and wire type, and its value (varint) or payload (length-delimited).</summary>
    public void Next(out int number, out int wireType, out ulong varint, out int payloadStart, out int payloadLength)
    {
        var tag = ReadVarint();
        number = (int)(tag >> 3);
        wireType = (int)(tag & 7);
        varint = 0;
        payloadStart = Position;
        payloadLength = 0;
        if (number <= 0)
        {
            throw new ProtobufFormatException("a field number of zero or less");
        }

        switch (wireType)
        {
            case 0:
                varint = ReadVarint();
                break;
            case 1:
                Skip(8);
                break;
            case 2:
                var length = ReadVarint();
                if (length > (ulong)(_data.Length - Position))
                {
                    throw new ProtobufFormatException("a length-delimited field runs past the end of its message");
                }

                payloadStart = Position;
                payloadLength = (int)length;
                Position += (int)length;
                break;
            case 5:
                Skip(4);
                break;
            default:
                throw new ProtobufFormatException($"unsupported wire type {wireType}");
        }
    }

    public ulong ReadVarint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (Position >= _data.Length)
            {
                throw new ProtobufFormatException("a varint runs past the end of its message");
            }

            var b = _data[Position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new ProtobufFormatException("a varint longer than ten bytes");
    }

    private void Skip(int count)
    {
        if (_data.Length - Position < count)
        {
            throw new ProtobufFormatException("a fixed-size field runs past the end of its message");
        }

        Position += count;
    }
}
