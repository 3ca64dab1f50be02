using System.Diagnostics.CodeAnalysis;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace MetaServer.Domain.Messages;

/// <summary>
/// Source-generated JSON for <see cref="Message"/>, written the way Go's <c>encoding/json</c> writes beehive
/// messages: compact, fields in Go's order, empty fields left out as the <c>omitempty</c> tags say.
/// </summary>
[JsonSerializable(typeof(Message))]
[JsonSerializable(typeof(JsonNode))]
public sealed partial class MessageJson : JsonSerializerContext
{
    /// <summary>
    /// The options messages are read and written with. Non-ASCII text is written as UTF-8, as Go does, so what Go
    /// wrote is written back byte for byte, with two exceptions that read back the same: Go escapes &lt;, &gt; and
    /// &amp; (<c>\u003c</c>...) where these are written plainly, and characters beyond the basic plane (emoji) are
    /// escaped as surrogate pairs where Go writes them as UTF-8. Names are matched ignoring case, like Go's decoder.
    /// </summary>
    public static MessageJson Wire { get; } = new(new JsonSerializerOptions
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNameCaseInsensitive = true,
    });

    /// <summary>The message as UTF-8 JSON, without the trailing newline Go's websocket writer adds.</summary>
    public static byte[] ToUtf8Bytes(Message message) => JsonSerializer.SerializeToUtf8Bytes(message, Wire.Message);

    /// <summary>Appends a message's JSON, the same bytes as <see cref="ToUtf8Bytes"/>, to <paramref name="output"/>.</summary>
    public static void WriteTo(System.Buffers.IBufferWriter<byte> output, Message message)
    {
        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = Wire.Options.Encoder });
        JsonSerializer.Serialize(writer, message, Wire.Message);
    }

    /// <summary>Reads one message; malformed JSON, or JSON that is not a message object, is an error value.</summary>
    /// <remarks>
    /// The JSON is parsed once: the header and route are read from the parsed document, and the content becomes a
    /// node over the same document (no second parse of what is most of a message's bytes, a ~3 KB object).
    /// Top-level names match ignoring case and a repeated name's last value wins, as with Go's decoder.
    /// </remarks>
    public static bool TryRead(ReadOnlySpan<byte> json, [NotNullWhen(true)] out Message? message, [NotNullWhen(false)] out string? error)
    {
        message = null;
        try
        {
            // The document keeps its own copy: the nodes made from it outlive the caller's buffer.
            var root = JsonDocument.Parse(json.ToArray()).RootElement;
            if (root.ValueKind == JsonValueKind.Null)
            {
                error = "message is null";
                return false;
            }

            if (root.ValueKind != JsonValueKind.Object)
            {
                error = $"message is not valid JSON: a message is an object, not {root.ValueKind}";
                return false;
            }

            MessageHeader? header = null;
            MessageRoute? route = null;
            JsonNode? content = null;
            JsonElement contentElement = default;
            foreach (var property in root.EnumerateObject())
            {
                switch (Part(property))
                {
                    case "header":
                        header = property.Value.Deserialize(Wire.MessageHeader);
                        break;
                    case "route":
                        route = property.Value.Deserialize(Wire.MessageRoute);
                        break;
                    case "content":
                        contentElement = property.Value;
                        content = Node(contentElement);
                        break;
                }
            }

            message = new Message { Header = header!, Route = route!, Content = content }.RememberingContent(content, contentElement);
            error = null;
            return true;
        }
        catch (JsonException e)
        {
            message = null;
            error = $"message is not valid JSON: {e.Message}";
            return false;
        }
    }

    // Which part of a message a top-level member is: its exact name without allocating, any other case as Go matches it.
    private static string? Part(JsonProperty property)
    {
        foreach (var part in Parts)
        {
            if (property.NameEquals(part))
            {
                return part;
            }
        }

        var name = property.Name;
        return Array.Find(Parts, part => part.Equals(name, StringComparison.OrdinalIgnoreCase));
    }

    private static readonly string[] Parts = ["header", "route", "content"];

    private static JsonNode? Node(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.Object => JsonObject.Create(element),
        JsonValueKind.Array => JsonArray.Create(element),
        _ => JsonValue.Create(element),
    };
}
