using System.Text.Json.Serialization;

namespace MetaServer.Domain.Messages;

/// <summary>
/// Where a <see cref="Message"/> comes from and what it does: the sending module, the group it is addressed to, the
/// operation and the resource string (<see cref="ResourceString"/>).
/// </summary>
/// <remarks>Every field is <c>omitempty</c> in Go, so empty values are held as null and left out when written.</remarks>
public sealed record MessageRoute
{
    /// <summary>The module that sent the message (<see cref="ModuleNames"/>, <see cref="Sources"/>).</summary>
    [JsonPropertyName("source")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Source { get; init => field = string.IsNullOrEmpty(value) ? null : value; }

    [JsonPropertyName("destination")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Destination { get; init => field = string.IsNullOrEmpty(value) ? null : value; }

    /// <summary>The group the message is addressed to (<see cref="GroupNames"/>).</summary>
    [JsonPropertyName("group")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Group { get; init => field = string.IsNullOrEmpty(value) ? null : value; }

    /// <summary>What to do (<see cref="Operations"/>).</summary>
    [JsonPropertyName("operation")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Operation { get; init => field = string.IsNullOrEmpty(value) ? null : value; }

    /// <summary>What it is done to, usually <c>namespace/resourceType[/name]</c>.</summary>
    [JsonPropertyName("resource")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Resource { get; init => field = string.IsNullOrEmpty(value) ? null : value; }
}
