using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;

namespace MetaServer.Domain.Protobuf;

/// <summary>
/// Writes a JSON object as a protobuf message, driven by the wire table, in one forward read of the JSON
/// (<see cref="Utf8JsonReader"/>: no document is built, member names are looked up by their UTF-8 bytes, string
/// values are copied as they are). Members the table does not know are left out (as the apiserver's own encoding
/// of its Go types would), members of the wrong JSON type too; <see cref="ProtobufToJson.UnknownFieldsMember"/>
/// is written back as the unknown fields it carries. Given a <see cref="ProtoWriter.Counting"/> writer it measures
/// the message instead.
/// </summary>
public static class JsonToProtobuf
{
    private const int StackLimit = 256;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 512 };

    /// <summary>
    /// Writes the fields of <paramref name="json"/> (one JSON object) as <paramref name="message"/>, without tag or
    /// length. Throws <see cref="JsonException"/> when the text is not JSON.
    /// </summary>
    public static void WriteMessage(ProtoWriter writer, WireMessage message, ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("the object to encode is not a JSON object");
        }

        WriteObject(ref reader, json, writer, message, ProtobufToJson.UnknownFieldsMember);
    }

    // The reader is on the object's StartObject; it is left on its EndObject. An inline message's members sit in
    // the same object, so each inline field reads the object again from a saved copy of the reader.
    private static void WriteObject(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, ProtoWriter writer, WireMessage message, string unknownMember)
    {
        var objectStart = reader;
        Utf8JsonReader unknown = default;
        var hasUnknown = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = reader.ValueIsEscaped ? ByEscapedName(ref reader, message) : message.ByJsonName(reader.ValueSpan);
            var isUnknownMember = field is null && reader.ValueSpan.Length > 0 && reader.ValueSpan[0] == (byte)'$' && reader.ValueTextEquals(unknownMember);
            reader.Read();
            if (field is not null)
            {
                WriteField(ref reader, json, writer, field);
            }
            else if (isUnknownMember && reader.TokenType == JsonTokenType.String)
            {
                unknown = reader;
                hasUnknown = true;
            }
            else
            {
                reader.Skip();
            }
        }

        foreach (var inline in message.InlineFields)
        {
            var again = objectStart;
            var start = writer.BeginMessage(inline.Number);
            WriteObject(ref again, json, writer, inline.Message!, inline.InlineUnknownMember);
            writer.EndMessage(start);
        }

        if (hasUnknown)
        {
            WriteBase64(ref unknown, writer, number: 0);
        }
    }

    private static WireField? ByEscapedName(ref Utf8JsonReader reader, WireMessage message)
    {
        var length = reader.ValueSpan.Length;
        var rented = length > StackLimit ? ArrayPool<byte>.Shared.Rent(length) : null;
        Span<byte> name = rented ?? stackalloc byte[StackLimit];
        try
        {
            return message.ByJsonName(name[..reader.CopyString(name)]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    // The reader is on the member's value; it is left on the value's last token.
    private static void WriteField(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, ProtoWriter writer, WireField field)
    {
        if (field.IsMap)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                return;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var entry = writer.BeginMessage(field.Number);
                WriteString(ref reader, writer, 1);
                reader.Read();
                WriteValue(ref reader, json, writer, 2, field.Kind, field.Message);
                writer.EndMessage(entry);
            }

            return;
        }

        if (field.Repeated)
        {
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                reader.Skip();
                return;
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                WriteValue(ref reader, json, writer, field.Number, field.Kind, field.Message);
            }

            return;
        }

        WriteValue(ref reader, json, writer, field.Number, field.Kind, field.Message);
    }

    private static void WriteValue(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, ProtoWriter writer, int number, WireKind kind, WireMessage? message)
    {
        switch (kind, reader.TokenType)
        {
            case (WireKind.String, JsonTokenType.String):
                WriteString(ref reader, writer, number);
                return;
            case (WireKind.Int32 or WireKind.Int64, JsonTokenType.Number):
                if (reader.TryGetInt64(out var integer) || TryIntegral(ref reader, out integer))
                {
                    writer.WriteInt(number, kind == WireKind.Int32 ? (int)integer : integer);
                }

                return;
            case (WireKind.Bool, JsonTokenType.True or JsonTokenType.False):
                writer.WriteInt(number, reader.TokenType == JsonTokenType.True ? 1 : 0);
                return;
            case (WireKind.Bytes, JsonTokenType.String):
                WriteBase64(ref reader, writer, number);
                return;
            case (WireKind.Message, JsonTokenType.StartObject):
                var start = writer.BeginMessage(number);
                WriteObject(ref reader, json, writer, message!, ProtobufToJson.UnknownFieldsMember);
                writer.EndMessage(start);
                return;
            case (WireKind.Time or WireKind.MicroTime, JsonTokenType.String):
                WriteTime(ref reader, writer, number, kind);
                return;
            case (WireKind.Quantity, JsonTokenType.String or JsonTokenType.Number):
                var quantity = writer.BeginMessage(number);
                if (reader.TokenType == JsonTokenType.String)
                {
                    WriteString(ref reader, writer, 1);
                }
                else
                {
                    writer.WriteBytes(1, reader.ValueSpan);
                }

                writer.EndMessage(quantity);
                return;
            case (WireKind.IntOrString, JsonTokenType.String or JsonTokenType.Number):
                var intOrString = writer.BeginMessage(number);
                var isString = reader.TokenType == JsonTokenType.String;
                writer.WriteInt(1, isString ? 1 : 0);
                writer.WriteInt(2, isString ? 0 : reader.TryGetInt32(out var intVal) ? intVal : 0);
                if (isString)
                {
                    WriteString(ref reader, writer, 3);
                }
                else
                {
                    writer.WriteBytes(3, []);
                }

                writer.EndMessage(intOrString);
                return;
            case (WireKind.RawJson, not JsonTokenType.Null):
                var from = (int)reader.TokenStartIndex;
                reader.Skip();
                var raw = writer.BeginMessage(number);
                writer.WriteBytes(1, json[from..(int)reader.BytesConsumed]);
                writer.EndMessage(raw);
                return;
            default:
                reader.Skip();
                return;
        }
    }

    // A string value or member name, unescaped: as it stands in the JSON unless it has escapes.
    private static void WriteString(ref Utf8JsonReader reader, ProtoWriter writer, int number)
    {
        if (!reader.ValueIsEscaped)
        {
            writer.WriteBytes(number, reader.ValueSpan);
            return;
        }

        var length = reader.ValueSpan.Length;
        var rented = length > StackLimit ? ArrayPool<byte>.Shared.Rent(length) : null;
        Span<byte> text = rented ?? stackalloc byte[StackLimit];
        try
        {
            writer.WriteBytes(number, text[..reader.CopyString(text)]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    // Base64 text (standard alphabet, padded, as Go writes []byte) as a bytes field, or with number 0 as raw bytes
    // (the unknown fields, their tags and values as they came); text that is not base64 is left out.
    private static void WriteBase64(ref Utf8JsonReader reader, ProtoWriter writer, int number)
    {
        var length = reader.ValueSpan.Length;
        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1) * 2);
        try
        {
            var text = reader.ValueIsEscaped ? rented.AsSpan(length, reader.CopyString(rented.AsSpan(length))) : reader.ValueSpan;
            if (Base64.DecodeFromUtf8(text, rented, out var consumed, out var written) != OperationStatus.Done || consumed != text.Length)
            {
                return;
            }

            if (number == 0)
            {
                writer.WriteRaw(rented.AsSpan(0, written));
            }
            else
            {
                writer.WriteBytes(number, rented.AsSpan(0, written));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static bool TryIntegral(ref Utf8JsonReader reader, out long integer)
    {
        integer = 0;
        if (reader.TryGetDouble(out var d) && Math.Floor(d) == d && Math.Abs(d) < 9.2e18)
        {
            integer = (long)d;
            return true;
        }

        return false;
    }

    // Time keeps whole seconds (the JSON form has no more); MicroTime keeps microseconds.
    private static void WriteTime(ref Utf8JsonReader reader, ProtoWriter writer, int number, WireKind kind)
    {
        long ticks;
        if (!reader.ValueIsEscaped && Rfc3339.TryParseUtcTicks(reader.ValueSpan, out var parsed))
        {
            ticks = parsed;
        }
        else if (DateTimeOffset.TryParse(reader.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            ticks = time.UtcTicks;
        }
        else
        {
            return;
        }

        ticks -= DateTimeOffset.UnixEpoch.UtcTicks;
        var seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out var rest);
        if (rest < 0)
        {
            seconds--;
            rest += TimeSpan.TicksPerSecond;
        }

        var start = writer.BeginMessage(number);
        writer.WriteInt(1, seconds);
        writer.WriteInt(2, kind == WireKind.MicroTime ? rest / 10 * 1000 : 0);
        writer.EndMessage(start);
    }
}
