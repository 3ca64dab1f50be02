using System.Text.Json.Serialization;

namespace MetaServer.Domain.Messages;

/// <summary>
/// The header of a <see cref="Message"/>: its id, the id of the message it answers, when it was made, and delivery
/// hints, named as beehive writes them.
/// </summary>
/// <remarks>
/// Go leaves empty strings and a false <c>sync</c> out (<c>omitempty</c>). Empty strings are held here as null so the
/// serializer can do the same, and a message read back is written out byte for byte as it came.
/// </remarks>
public sealed record MessageHeader
{
    /// <summary>A UUID; Go always writes it, even when empty.</summary>
    [JsonPropertyName("msg_id")]
    public string Id { get; init => field = value ?? ""; } = "";

    /// <summary>For an answer, the id of the message it answers: how the cloud stops resending and a caller
    /// waiting on a synchronous request finds its reply.</summary>
    [JsonPropertyName("parent_msg_id")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ParentId { get; init => field = string.IsNullOrEmpty(value) ? null : value; }

    /// <summary>Milliseconds since the Unix epoch.</summary>
    [JsonPropertyName("timestamp")]
    public long Timestamp { get; init; }

    /// <summary>The resource version of the object in the content, which the cloud uses to send reliably.</summary>
    [JsonPropertyName("resourceversion")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ResourceVersion { get; init => field = string.IsNullOrEmpty(value) ? null : value; }

    /// <summary>Set on a request whose sender waits for the answer.</summary>
    [JsonPropertyName("sync")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Sync { get; init; }

    /// <summary>The kind of context that carries the message (channel, unix socket, ...); empty means channel.</summary>
    [JsonPropertyName("type")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Type { get; init => field = string.IsNullOrEmpty(value) ? null : value; }
}
