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

    /// <summary>Reads one message; malformed JSON, or JSON that is not a message object, is an error value.</summary>
    public static bool TryRead(ReadOnlySpan<byte> json, [NotNullWhen(true)] out Message? message, [NotNullWhen(false)] out string? error)
    {
        try
        {
            message = JsonSerializer.Deserialize(json, Wire.Message);
        }
        catch (JsonException e)
        {
            message = null;
            error = $"message is not valid JSON: {e.Message}";
            return false;
        }
        if (message is null)
        {
            error = "message is null";
            return false;
        }
        error = null;
        return true;
    }
}
