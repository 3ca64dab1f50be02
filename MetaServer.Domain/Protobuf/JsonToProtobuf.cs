using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace MetaServer.Domain.Protobuf;

/// <summary>
/// Writes a JSON object as a protobuf message, driven by the wire table. Members the table does not know are
/// left out (as the apiserver's own encoding of its Go types would), members of the wrong JSON type too;
/// <see cref="ProtobufToJson.UnknownFieldsMember"/> is written back as the unknown fields it carries.
/// </summary>
public static class JsonToProtobuf
{
    /// <summary>Writes the fields of <paramref name="json"/> (an object) as <paramref name="message"/>, without tag or length.</summary>
    public static void WriteMessage(ProtoWriter writer, WireMessage message, JsonElement json) =>
        WriteMembers(writer, message, json, ProtobufToJson.UnknownFieldsMember);

    private static void WriteMembers(ProtoWriter writer, WireMessage message, JsonElement json, string unknownMember)
    {
        JsonElement? unknown = null;
        Span<char> name = stackalloc char[128];
        foreach (var member in json.EnumerateObject())
        {
            var utf8 = JsonMarshal.GetRawUtf8PropertyName(member);
            WireField? field;
            if (utf8.Length <= name.Length && !utf8.Contains((byte)'\\'))
            {
                var length = System.Text.Encoding.UTF8.GetChars(utf8, name);
                field = message.ByJsonName(name[..length]);
            }
            else
            {
                field = message.ByJsonName(member.Name);
            }

            if (field is not null)
            {
                WriteField(writer, field, member.Value);
            }
            else if (utf8.Length > 0 && utf8[0] == (byte)'$' && member.NameEquals(unknownMember))
            {
                unknown = member.Value;
            }
        }

        foreach (var inline in message.InlineFields)
        {
            var start = writer.BeginMessage(inline.Number);
            WriteMembers(writer, inline.Message!, json, ProtobufToJson.UnknownFieldsMember + "." + inline.JsonName);
            writer.EndMessage(start);
        }

        if (unknown is { ValueKind: JsonValueKind.String } carried && carried.TryGetBytesFromBase64(out var bytes))
        {
            writer.WriteRaw(bytes);
        }
    }

    private static void WriteField(ProtoWriter writer, WireField field, JsonElement value)
    {
        if (field.IsMap)
        {
            if (value.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            foreach (var entry in value.EnumerateObject())
            {
                var start = writer.BeginMessage(field.Number);
                writer.WriteString(1, entry.Name);
                WriteValue(writer, 2, field.Kind, field.Message, entry.Value);
                writer.EndMessage(start);
            }

            return;
        }

        if (field.Repeated)
        {
            if (value.ValueKind != JsonValueKind.Array)
            {
                return;
            }

            foreach (var item in value.EnumerateArray())
            {
                WriteValue(writer, field.Number, field.Kind, field.Message, item);
            }

            return;
        }

        WriteValue(writer, field.Number, field.Kind, field.Message, value);
    }

    private static void WriteValue(ProtoWriter writer, int number, WireKind kind, WireMessage? message, JsonElement value)
    {
        switch (kind, value.ValueKind)
        {
            case (WireKind.String, JsonValueKind.String):
                WriteString(writer, number, value);
                break;
            case (WireKind.Int32 or WireKind.Int64, JsonValueKind.Number):
                if (value.TryGetInt64(out var integer) || TryIntegral(value, out integer))
                {
                    writer.WriteInt(number, kind == WireKind.Int32 ? (int)integer : integer);
                }

                break;
            case (WireKind.Bool, JsonValueKind.True or JsonValueKind.False):
                writer.WriteInt(number, value.ValueKind == JsonValueKind.True ? 1 : 0);
                break;
            case (WireKind.Bytes, JsonValueKind.String):
                if (value.TryGetBytesFromBase64(out var bytes))
                {
                    writer.WriteBytes(number, bytes);
                }

                break;
            case (WireKind.Message, JsonValueKind.Object):
                var start = writer.BeginMessage(number);
                WriteMessage(writer, message!, value);
                writer.EndMessage(start);
                break;
            case (WireKind.Time or WireKind.MicroTime, JsonValueKind.String):
                WriteTime(writer, number, kind, value);
                break;
            case (WireKind.Quantity, JsonValueKind.String or JsonValueKind.Number):
                var quantity = writer.BeginMessage(number);
                writer.WriteBytes(1, value.ValueKind == JsonValueKind.String ? Utf8String(value) : JsonMarshal.GetRawUtf8Value(value));
                writer.EndMessage(quantity);
                break;
            case (WireKind.IntOrString, JsonValueKind.String or JsonValueKind.Number):
                var intOrString = writer.BeginMessage(number);
                var isString = value.ValueKind == JsonValueKind.String;
                writer.WriteInt(1, isString ? 1 : 0);
                writer.WriteInt(2, isString ? 0 : value.TryGetInt32(out var intVal) ? intVal : 0);
                if (isString)
                {
                    WriteString(writer, 3, value);
                }
                else
                {
                    writer.WriteBytes(3, []);
                }

                writer.EndMessage(intOrString);
                break;
            case (WireKind.RawJson, not (JsonValueKind.Null or JsonValueKind.Undefined)):
                var raw = writer.BeginMessage(number);
                writer.WriteBytes(1, JsonMarshal.GetRawUtf8Value(value));
                writer.EndMessage(raw);
                break;
        }
    }

    private static void WriteString(ProtoWriter writer, int number, JsonElement value)
    {
        var raw = JsonMarshal.GetRawUtf8Value(value);
        var unquoted = raw.Length >= 2 && raw[0] == (byte)'"' ? raw[1..^1] : raw;
        if (unquoted.Contains((byte)'\\'))
        {
            writer.WriteString(number, value.GetString()!);
        }
        else
        {
            writer.WriteBytes(number, unquoted);
        }
    }

    private static ReadOnlySpan<byte> Utf8String(JsonElement value)
    {
        var raw = JsonMarshal.GetRawUtf8Value(value);
        var unquoted = raw.Length >= 2 && raw[0] == (byte)'"' ? raw[1..^1] : raw;
        return unquoted.Contains((byte)'\\') ? System.Text.Encoding.UTF8.GetBytes(value.GetString()!) : unquoted;
    }

    private static bool TryIntegral(JsonElement value, out long integer)
    {
        integer = 0;
        if (value.TryGetDouble(out var d) && Math.Floor(d) == d && Math.Abs(d) < 9.2e18)
        {
            integer = (long)d;
            return true;
        }

        return false;
    }

    // Time keeps whole seconds (the JSON form has no more); MicroTime keeps microseconds.
    private static void WriteTime(ProtoWriter writer, int number, WireKind kind, JsonElement value)
    {
        if (!DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return;
        }

        var ticks = time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
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
