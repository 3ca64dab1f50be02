using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace MetaServer.Domain.Messages;

/// <summary>
/// A message between the edge modules and the cloud, in the JSON shape of KubeEdge's beehive <c>model.Message</c>
/// (read and written by <see cref="MessageJson"/>).
/// </summary>
public sealed record Message
{
    /// <summary>The content of the answer that tells a sender its message was handled; the cloud resends until
    /// it gets a <c>response</c> with this content whose parent id is the message's id.</summary>
    public const string Ok = "OK";

    [JsonPropertyName("header")]
    public MessageHeader Header { get; init => field = value ?? new(); } = new();

    // Go writes the route even when every field is empty ("route":{}): omitempty has no effect on a struct.
    [JsonPropertyName("route")]
    public MessageRoute Route { get; init => field = value ?? new(); } = new();

    /// <summary>Any JSON value: an object, an array of JSON strings (a query answer), a string such as
    /// <see cref="Ok"/> or an error text, or null (always written, as Go does).</summary>
    [JsonPropertyName("content")]
    public JsonNode? Content { get; init; }

    /// <summary>A new message with a fresh id, stamped with the current time.</summary>
    public static Message Create(string source, string group, string operation, string resource, JsonNode? content, TimeProvider? clock = null) =>
        new()
        {
            Header = NewHeader(parentId: null, clock),
            Route = new MessageRoute { Source = source, Group = group, Operation = operation, Resource = resource },
            Content = content,
        };

    /// <summary>
    /// The answer to this message, as KubeEdge's <c>NewRespByMessage</c> builds it: a new id whose parent is this
    /// message's id, operation <c>response</c>, and the source, group, resource and context type copied from this
    /// message. The route is not swapped and no destination is set; modules route an answer by its parent id.
    /// </summary>
    public Message Response(JsonNode? content, TimeProvider? clock = null) =>
        new()
        {
            Header = NewHeader(Header.Id, clock) with { Type = Header.Type },
            Route = new MessageRoute
            {
                Source = Route.Source,
                Group = Route.Group,
                Operation = Operations.Response,
                Resource = Route.Resource,
            },
            Content = content,
        };

    /// <summary>
    /// The error answer to this message: operation <c>error</c>, the text as content, the resource and group of this
    /// message, and <paramref name="source"/> as sender (the MetaManager's errors name themselves).
    /// </summary>
    /// <remarks>
    /// KubeEdge's <c>NewErrorMessage</c> takes this message's parent id as the answer's parent, so a sender waiting
    /// synchronously never receives its error. The parent here is this message's own id, so it does.
    /// </remarks>
    public Message Error(string text, string source = ModuleNames.MetaManager, TimeProvider? clock = null) =>
        new()
        {
            Header = NewHeader(Header.Id, clock),
            Route = new MessageRoute
            {
                Source = source,
                Group = Route.Group,
                Operation = Operations.Error,
                Resource = Route.Resource,
            },
            Content = JsonValue.Create(text),
        };

    // The content as read off the wire (MessageJson.TryRead), kept with the node made from it: a message whose
    // content was since replaced (`with`) no longer offers it.
    private JsonNode? _readContent;
    private JsonElement _readElement;

    internal Message RememberingContent(JsonNode? node, JsonElement element)
    {
        _readContent = node;
        _readElement = element;
        return this;
    }

    /// <summary>
    /// The content exactly as it was read from its JSON (its raw bytes are <c>JsonMarshal.GetRawUtf8Value</c>), when
    /// this message was read from JSON and its content not replaced since; false otherwise.
    /// </summary>
    public bool TryGetReadContent(out JsonElement element)
    {
        element = _readElement;
        return Content is not null && ReferenceEquals(Content, _readContent);
    }

    /// <summary>Whether the content is the string <see cref="Ok"/>.</summary>
    public bool ContentIsOk() => ContentText() == Ok;

    /// <summary>The content when it is a JSON string, otherwise null.</summary>
    public string? ContentText() =>
        Content is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    /// <summary>
    /// The content as bytes, as beehive's <c>GetContentData</c> gives them and the MetaManager stores them: a string
    /// content is its own text (so a string holding JSON is that JSON), anything else is its JSON.
    /// </summary>
    public byte[] ContentBytes() =>
        ContentText() is { } text
            ? Encoding.UTF8.GetBytes(text)
            : JsonSerializer.SerializeToUtf8Bytes(Content, MessageJson.Wire.JsonNode);

    private static MessageHeader NewHeader(string? parentId, TimeProvider? clock) =>
        new()
        {
            // Guid's default format is Go uuid's String(): lowercase, hyphenated.
            Id = Guid.NewGuid().ToString(),
            ParentId = parentId,
            Timestamp = (clock ?? TimeProvider.System).GetUtcNow().ToUnixTimeMilliseconds(),
        };
}
