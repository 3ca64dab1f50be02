using System.Text;

namespace MetaServer.Domain.Authorization;

/// <summary>Just enough of the protobuf wire format to read the string and message fields of a small message.</summary>
internal static class ProtobufFields
{
    /// <summary>The last occurrence of length-delimited field <paramref name="number"/>, or empty.</summary>
    public static ReadOnlySpan<byte> Bytes(ReadOnlySpan<byte> message, int number)
    {
        var found = ReadOnlySpan<byte>.Empty;
        var position = 0;
        while (position < message.Length)
        {
            var (field, wireType) = Tag(message, ref position);
            if (wireType == 2)
            {
                var value = Delimited(message, ref position);
                if (field == number)
                {
                    found = value;
                }
            }
            else
            {
                Skip(message, ref position, wireType);
            }
        }

        return found;
    }

    /// <summary>String fields 1..<paramref name="count"/> by number (index 0 unused); absent ones are "".</summary>
    public static string[] Strings(ReadOnlySpan<byte> message, int count)
    {
        var values = new string[count + 1];
        Array.Fill(values, "");
        var position = 0;
        while (position < message.Length)
        {
            var (field, wireType) = Tag(message, ref position);
            if (wireType == 2)
            {
                var value = Delimited(message, ref position);
                if (field >= 1 && field <= count)
                {
                    values[field] = Encoding.UTF8.GetString(value);
                }
            }
            else
            {
                Skip(message, ref position, wireType);
            }
        }

        return values;
    }

    private static (int Field, int WireType) Tag(ReadOnlySpan<byte> message, scoped ref int position)
    {
        var tag = Varint(message, ref position);
        return ((int)(tag >> 3), (int)(tag & 7));
    }

    private static ReadOnlySpan<byte> Delimited(ReadOnlySpan<byte> message, scoped ref int position)
    {
        var length = Varint(message, ref position);
        if (length > (ulong)(message.Length - position))
        {
            throw new FormatException("a length runs past the end of the message");
        }

        var value = message.Slice(position, (int)length);
        position += (int)length;
        return value;
    }

    private static void Skip(ReadOnlySpan<byte> message, ref int position, int wireType)
    {
        switch (wireType)
        {
            case 0:
                Varint(message, ref position);
                break;
            case 1:
                position += 8;
                break;
            case 5:
                position += 4;
                break;
            default:
                throw new FormatException($"unsupported wire type {wireType}");
        }

        if (position > message.Length)
        {
            throw new FormatException("a field runs past the end of the message");
        }
    }

    private static ulong Varint(ReadOnlySpan<byte> message, scoped ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= message.Length)
            {
                throw new FormatException("a varint runs past the end of the message");
            }

            var b = message[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new FormatException("a varint is too long");
    }
}
