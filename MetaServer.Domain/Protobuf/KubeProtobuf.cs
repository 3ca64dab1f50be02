using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace MetaServer.Domain.Protobuf;

/// <summary>
/// The apiserver's protobuf encoding of objects: the magic <c>k8s\0</c>, then a runtime.Unknown carrying the
/// typeMeta (apiVersion, kind), the object's message bytes (raw) and an empty contentEncoding and contentType.
/// </summary>
public static class KubeProtobuf
{
    public const string MediaType = "application/vnd.kubernetes.protobuf";

    public static ReadOnlySpan<byte> Magic => "k8s\0"u8;

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = false,
    };

    /// <summary>The parts of an envelope; <paramref name="raw"/> is the object's message bytes.</summary>
    public static bool TryReadEnvelope(ReadOnlySpan<byte> data, out string apiVersion, out string kind, out Range raw, out string? error)
    {
        apiVersion = kind = "";
        raw = default;
        if (!data.StartsWith(Magic))
        {
            error = "the body does not start with the protobuf prefix k8s\\0";
            return false;
        }

        var unknown = data[Magic.Length..];
        var contentEncoding = "";
        try
        {
            var reader = new ProtoReader(unknown);
            while (!reader.End)
            {
                reader.Next(out var number, out var wireType, out _, out var start, out var length);
                if (wireType != 2)
                {
                    continue;
                }

                var payload = unknown.Slice(start, length);
                switch (number)
                {
                    case 1:
                        var typeMeta = new ProtoReader(payload);
                        while (!typeMeta.End)
                        {
                            typeMeta.Next(out var n, out _, out _, out var s, out var l);
                            if (n == 1)
                            {
                                apiVersion = Encoding.UTF8.GetString(payload.Slice(s, l));
                            }
                            else if (n == 2)
                            {
                                kind = Encoding.UTF8.GetString(payload.Slice(s, l));
                            }
                        }

                        break;
                    case 2:
                        raw = new Range(Magic.Length + start, Magic.Length + start + length);
                        break;
                    case 3:
                        contentEncoding = Encoding.UTF8.GetString(payload);
                        break;
                }
            }
        }
        catch (ProtobufFormatException ex)
        {
            error = "the protobuf envelope is malformed: " + ex.Message;
            return false;
        }

        error = contentEncoding.Length > 0 ? $"the protobuf content encoding {contentEncoding} is not supported" : null;
        return error is null;
    }

    /// <summary>
    /// The JSON an enveloped object stands for, with kind and apiVersion first (from the envelope, or the
    /// fallbacks when it carries none); null with the reason when the bytes are not such an object.
    /// </summary>
    public static byte[]? DecodeToJson(ReadOnlySpan<byte> body, WireSchema schema, string fallbackApiVersion, string fallbackKind, out string? error)
    {
        if (!TryReadEnvelope(body, out var apiVersion, out var kind, out var raw, out error))
        {
            return null;
        }

        (apiVersion, kind) = apiVersion.Length == 0 && kind.Length == 0 ? (fallbackApiVersion, fallbackKind) : (apiVersion, kind);
        var message = schema.ForApiVersion(apiVersion, kind);
        if (message is null)
        {
            error = $"no protobuf form is known for {kind} in {apiVersion}";
            return null;
        }

        var output = new ArrayBufferWriter<byte>(body.Length * 2 + 64);
        try
        {
            using var writer = new Utf8JsonWriter(output, WriterOptions);
            writer.WriteStartObject();
            writer.WriteString("kind"u8, kind);
            writer.WriteString("apiVersion"u8, apiVersion);
            ProtobufToJson.WriteMembers(writer, message, body[raw], ProtobufToJson.UnknownFieldsMember);
            writer.WriteEndObject();
        }
        catch (Exception ex) when (ex is ProtobufFormatException or ArgumentException or InvalidOperationException or JsonException)
        {
            error = $"the {kind} in the body is not valid protobuf: {ex.Message}";
            return null;
        }

        return output.WrittenSpan.ToArray();
    }

    /// <summary>Writes an object's JSON as an enveloped <paramref name="message"/>.</summary>
    public static void WriteObject(ProtoWriter writer, WireMessage message, string apiVersion, string kind, ReadOnlySpan<byte> json)
    {
        writer.WriteRaw(Magic);
        WriteTypeMeta(writer, apiVersion, kind);
        var raw = writer.BeginMessage(2);
        JsonToProtobuf.WriteMessage(writer, message, json);
        writer.EndMessage(raw);
        WriteContentFields(writer);
    }

    /// <summary>An object's JSON as enveloped protobuf.</summary>
    public static byte[] EncodeObject(WireMessage message, string apiVersion, string kind, ReadOnlySpan<byte> json)
    {
        using var writer = new ProtoWriter(json.Length + 64);
        WriteObject(writer, message, apiVersion, kind, json);
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// One frame of a protobuf watch: a 4-byte big-endian length, then a meta.v1.WatchEvent whose object is a
    /// RawExtension carrying the enveloped object.
    /// </summary>
    public static void WriteWatchFrame(IBufferWriter<byte> output, string type, ReadOnlySpan<byte> envelope)
    {
        // Everything before the envelope is a few bytes: written straight to the output, then the shared envelope.
        var typeBytes = Encoding.UTF8.GetByteCount(type);
        var rawExtension = 1 + ProtoWriter.VarintSize((ulong)envelope.Length) + envelope.Length;
        var length = 1 + ProtoWriter.VarintSize((ulong)typeBytes) + typeBytes + 1 + ProtoWriter.VarintSize((ulong)rawExtension) + rawExtension;
        var headLength = length - envelope.Length + 4;
        var head = output.GetSpan(headLength);
        BinaryPrimitives.WriteInt32BigEndian(head, length);
        var at = 4;
        head[at++] = 0x0a; // WatchEvent.type
        at += WriteVarint(head[at..], (ulong)typeBytes);
        at += Encoding.UTF8.GetBytes(type, head[at..]);
        head[at++] = 0x12; // WatchEvent.object, a RawExtension
        at += WriteVarint(head[at..], (ulong)rawExtension);
        head[at++] = 0x0a; // RawExtension.raw
        at += WriteVarint(head[at..], (ulong)envelope.Length);
        output.Advance(at);
        output.Write(envelope);
    }

    private static int WriteVarint(Span<byte> destination, ulong value)
    {
        var at = 0;
        while (value >= 0x80)
        {
            destination[at++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[at++] = (byte)value;
        return at;
    }

    internal static void WriteTypeMeta(ProtoWriter writer, string apiVersion, string kind)
    {
        var typeMeta = writer.BeginMessage(1);
        writer.WriteString(1, apiVersion);
        writer.WriteString(2, kind);
        writer.EndMessage(typeMeta);
    }

    internal static void WriteContentFields(ProtoWriter writer)
    {
        writer.WriteBytes(3, []);
        writer.WriteBytes(4, []);
    }
}
