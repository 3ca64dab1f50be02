using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace MetaServer.Domain.Protobuf;

/// <summary>
/// Writes a protobuf message as the JSON the Go types give it, driven by the wire table: zero scalars are left
/// out unless the Go field is a pointer or has no omitempty, inline messages merge into their parent's object,
/// and fields the table does not know are kept, base64, in <see cref="UnknownFieldsMember"/> so that the
/// encoder can write them back.
/// </summary>
public static class ProtobufToJson
{
    /// <summary>The JSON member holding a message's unknown protobuf fields (their raw tag and value bytes).</summary>
    public const string UnknownFieldsMember = "$unknownProtobufFields";

    private const long ZeroTimeSeconds = -62135596800; // 0001-01-01T00:00:00Z, Go's zero time.

    private readonly record struct Occurrence(WireField Field, int Sequence, int WireType, ulong Varint, int Start, int Length);

    /// <summary>Writes <paramref name="data"/>, a <paramref name="message"/>, as a JSON object.</summary>
    public static void WriteObject(Utf8JsonWriter writer, WireMessage message, ReadOnlySpan<byte> data)
    {
        writer.WriteStartObject();
        WriteMembers(writer, message, data, UnknownFieldsMember);
        writer.WriteEndObject();
    }

    /// <summary>Writes the members of <paramref name="data"/> into the JSON object being written.</summary>
    public static void WriteMembers(Utf8JsonWriter writer, WireMessage message, ReadOnlySpan<byte> data, string unknownMember)
    {
        var occurrences = new List<Occurrence>();
        ArrayBufferWriter<byte>? unknown = null;
        var reader = new ProtoReader(data);
        while (!reader.End)
        {
            var tagStart = reader.Position;
            reader.Next(out var number, out var wireType, out var varint, out var start, out var length);
            var field = message.ByNumber(number);
            var packed = field is { Repeated: true, WireType: 0 } && wireType == 2;
            if (field is null || (field.WireType != wireType && !packed))
            {
                unknown ??= new ArrayBufferWriter<byte>();
                unknown.Write(data[tagStart..reader.Position]);
                continue;
            }

            occurrences.Add(new Occurrence(field, occurrences.Count, wireType, varint, start, length));
        }

        occurrences.Sort(static (a, b) => a.Field.Number != b.Field.Number ? a.Field.Number.CompareTo(b.Field.Number) : a.Sequence.CompareTo(b.Sequence));
        for (var i = 0; i < occurrences.Count;)
        {
            var field = occurrences[i].Field;
            var end = i + 1;
            while (end < occurrences.Count && occurrences[end].Field == field)
            {
                end++;
            }

            var group = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(occurrences)[i..end];
            if (field.IsMap)
            {
                WriteMap(writer, field, group, data);
            }
            else if (field.Repeated)
            {
                writer.WriteStartArray(field.EncodedName);
                foreach (var occurrence in group)
                {
                    if (occurrence.WireType == 2 && field.WireType == 0)
                    {
                        var packed = new ProtoReader(data.Slice(occurrence.Start, occurrence.Length));
                        while (!packed.End)
                        {
                            WriteNumber(writer, field.Kind, packed.ReadVarint());
                        }

                        continue;
                    }

                    WriteValue(writer, field.Kind, field.Message, occurrence.Varint, data.Slice(occurrence.Start, occurrence.Length));
                }

                writer.WriteEndArray();
            }
            else
            {
                // A message sent more than once is the merge of its parts, which is what their concatenation decodes to.
                var last = group[^1];
                var payload = data.Slice(last.Start, last.Length);
                if (group.Length > 1 && field.WireType == 2 && field.Kind is not (WireKind.String or WireKind.Bytes))
                {
                    var merged = new ArrayBufferWriter<byte>();
                    foreach (var occurrence in group)
                    {
                        merged.Write(data.Slice(occurrence.Start, occurrence.Length));
                    }

                    payload = merged.WrittenSpan;
                }

                if (field.Inline)
                {
                    WriteMembers(writer, field.Message!, payload, field.InlineUnknownMember);
                }
                else if (HasJson(field.Kind, last.Varint, payload, field.KeepZero))
                {
                    writer.WritePropertyName(field.EncodedName);
                    WriteValue(writer, field.Kind, field.Message, last.Varint, payload);
                }
            }

            i = end;
        }

        if (unknown is not null)
        {
            writer.WriteBase64String(unknownMember, unknown.WrittenSpan);
        }
    }

    // Whether a singular field is written at all: zero scalars only when kept, zero times never (Go writes null).
    private static bool HasJson(WireKind kind, ulong varint, ReadOnlySpan<byte> payload, bool keepZero) => kind switch
    {
        WireKind.Int32 or WireKind.Int64 or WireKind.Bool => keepZero || varint != 0,
        WireKind.String or WireKind.Bytes => keepZero || payload.Length > 0,
        WireKind.Time or WireKind.MicroTime => !IsZeroTime(payload),
        WireKind.RawJson => RawJsonOf(payload).Length > 0,
        _ => true,
    };

    private static void WriteMap(Utf8JsonWriter writer, WireField field, ReadOnlySpan<Occurrence> entries, ReadOnlySpan<byte> data)
    {
        writer.WriteStartObject(field.EncodedName);
        foreach (var entry in entries)
        {
            var reader = new ProtoReader(data.Slice(entry.Start, entry.Length));
            ReadOnlySpan<byte> key = default, value = default;
            ulong varint = 0;
            while (!reader.End)
            {
                reader.Next(out var number, out _, out var v, out var start, out var length);
                var span = data.Slice(entry.Start + start, length);
                if (number == 1)
                {
                    key = span;
                }
                else if (number == 2)
                {
                    value = span;
                    varint = v;
                }
            }

            writer.WritePropertyName(key);
            WriteValue(writer, field.Kind, field.Message, varint, value);
        }

        writer.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter writer, WireKind kind, WireMessage? message, ulong varint, ReadOnlySpan<byte> payload)
    {
        switch (kind)
        {
            case WireKind.String:
                writer.WriteStringValue(payload);
                break;
            case WireKind.Bytes:
                writer.WriteBase64StringValue(payload);
                break;
            case WireKind.Int32 or WireKind.Int64 or WireKind.Bool:
                WriteNumber(writer, kind, varint);
                break;
            case WireKind.Message:
                WriteObject(writer, message!, payload);
                break;
            case WireKind.Time or WireKind.MicroTime:
                WriteTime(writer, kind, payload);
                break;
            case WireKind.Quantity:
                var quantity = StringField(payload, 1);
                writer.WriteStringValue(quantity.IsEmpty ? "0"u8 : quantity);
                break;
            case WireKind.IntOrString:
                WriteIntOrString(writer, payload);
                break;
            case WireKind.RawJson:
                var raw = RawJsonOf(payload);
                if (raw.IsEmpty)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    writer.WriteRawValue(raw);
                }

                break;
        }
    }

    private static void WriteNumber(Utf8JsonWriter writer, WireKind kind, ulong varint)
    {
        switch (kind)
        {
            case WireKind.Bool:
                writer.WriteBooleanValue(varint != 0);
                break;
            case WireKind.Int32:
                writer.WriteNumberValue((int)varint);
                break;
            default:
                writer.WriteNumberValue((long)varint);
                break;
        }
    }

    private static void WriteTime(Utf8JsonWriter writer, WireKind kind, ReadOnlySpan<byte> payload)
    {
        var (seconds, nanos) = Timestamp(payload);
        var time = DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime;
        if (kind == WireKind.Time)
        {
            writer.WriteStringValue(time.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            return;
        }

        time = time.AddTicks(nanos / 1000 * 10); // MicroTime keeps microseconds
        writer.WriteStringValue(time.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
    }

    private static bool IsZeroTime(ReadOnlySpan<byte> payload)
    {
        var (seconds, nanos) = Timestamp(payload);
        return seconds == ZeroTimeSeconds && nanos == 0 || payload.IsEmpty;
    }

    private static (long Seconds, long Nanos) Timestamp(ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty)
        {
            return (ZeroTimeSeconds, 0);
        }

        long seconds = 0, nanos = 0;
        var reader = new ProtoReader(payload);
        while (!reader.End)
        {
            reader.Next(out var number, out _, out var varint, out _, out _);
            if (number == 1)
            {
                seconds = (long)varint;
            }
            else if (number == 2)
            {
                nanos = (int)varint;
            }
        }

        if (seconds < ZeroTimeSeconds || seconds > 253402300799 || nanos is < 0 or > 999_999_999)
        {
            throw new ProtobufFormatException("a timestamp out of range");
        }

        return (seconds, nanos);
    }

    private static void WriteIntOrString(Utf8JsonWriter writer, ReadOnlySpan<byte> payload)
    {
        long type = 0, intVal = 0;
        ReadOnlySpan<byte> strVal = default;
        var reader = new ProtoReader(payload);
        while (!reader.End)
        {
            reader.Next(out var number, out _, out var varint, out var start, out var length);
            switch (number)
            {
                case 1: type = (long)varint; break;
                case 2: intVal = (int)varint; break;
                case 3: strVal = payload.Slice(start, length); break;
            }
        }

        if (type == 1)
        {
            writer.WriteStringValue(strVal);
        }
        else
        {
            writer.WriteNumberValue(intVal);
        }
    }

    private static ReadOnlySpan<byte> RawJsonOf(ReadOnlySpan<byte> payload) => StringField(payload, 1);

    private static ReadOnlySpan<byte> StringField(ReadOnlySpan<byte> payload, int wanted)
    {
        ReadOnlySpan<byte> found = default;
        var reader = new ProtoReader(payload);
        while (!reader.End)
        {
            reader.Next(out var number, out var wireType, out _, out var start, out var length);
            if (number == wanted && wireType == 2)
            {
                found = payload.Slice(start, length);
            }
        }

        return found;
    }
}
