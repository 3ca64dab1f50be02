using System.Text;
using MetaServer.Domain.Protobuf;

namespace MetaServer.Domain.Authorization;

/// <summary>The string and message fields of a small protobuf message, read with the protobuf codec's <see cref="ProtoReader"/>.</summary>
internal static class ProtobufFields
{
    /// <summary>The last occurrence of length-delimited field <paramref name="number"/>, or empty.</summary>
    public static ReadOnlySpan<byte> Bytes(ReadOnlySpan<byte> message, int number)
    {
        var found = ReadOnlySpan<byte>.Empty;
        var reader = new ProtoReader(message);
        while (!reader.End)
        {
            reader.Next(out var field, out var wireType, out _, out var start, out var length);
            if (wireType == 2 && field == number)
            {
                found = message.Slice(start, length);
            }
        }

        return found;
    }

    /// <summary>String fields 1..<paramref name="count"/> by number (index 0 unused); absent ones are "".</summary>
    public static string[] Strings(ReadOnlySpan<byte> message, int count)
    {
        var values = new string[count + 1];
        Array.Fill(values, "");
        var reader = new ProtoReader(message);
        while (!reader.End)
        {
            reader.Next(out var field, out var wireType, out _, out var start, out var length);
            if (wireType == 2 && field >= 1 && field <= count)
            {
                values[field] = Encoding.UTF8.GetString(message.Slice(start, length));
            }
        }

        return values;
    }
}
