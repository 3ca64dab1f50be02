using System.Text.Json;
using System.Text.Json.Nodes;

namespace MetaServer.Domain.Selection;

/// <summary>
/// A JSON object that labels and selectable fields are read from, in either form the server holds one: a parsed
/// element (a message's content, read straight from its bytes) or a node tree (an API write, built and changed in
/// memory). <see cref="SelectableFields"/> reads both through these few accessors, so its rules exist once and
/// neither form is converted into the other.
/// </summary>
public readonly struct ObjectSource
{
    private readonly JsonElement _element;
    private readonly JsonObject? _node;

    public ObjectSource(JsonElement element) => _element = element;

    public ObjectSource(JsonObject node) => _node = node;

    public static implicit operator ObjectSource(JsonElement element) => new(element);

    public static implicit operator ObjectSource(JsonObject node) => new(node);

    private bool IsObject => _node is not null || _element.ValueKind == JsonValueKind.Object;

    /// <summary>The member <paramref name="name"/> when it is an object; a repeated name's last value, as Go reads it.</summary>
    public ObjectSource? Object(string name) =>
        _node is not null
            ? _node[name] is JsonObject inner ? new ObjectSource(inner) : (ObjectSource?)null
            : Member(name) is { ValueKind: JsonValueKind.Object } element ? new ObjectSource(element) : (ObjectSource?)null;

    /// <summary>The member when it is a string, otherwise "".</summary>
    public string Text(string name) =>
        _node is not null
            ? _node[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : ""
            : Member(name) is { ValueKind: JsonValueKind.String } element ? element.GetString()! : "";

    /// <summary>Whether the member is the boolean true.</summary>
    public bool IsTrue(string name) =>
        _node is not null
            ? _node[name] is JsonValue value && value.TryGetValue<bool>(out var flag) && flag
            : Member(name) is { ValueKind: JsonValueKind.True };

    /// <summary>The member when it is an integer that fits 64 bits, otherwise null.</summary>
    public long? Integer(string name) =>
        _node is not null
            ? _node[name] is JsonValue value && value.TryGetValue<long>(out var number) ? number : null
            : Member(name) is { ValueKind: JsonValueKind.Number } element && element.TryGetInt64(out var parsed) ? parsed : null;

    /// <summary>The first item of the member when it is a non-empty array whose first item is an object.</summary>
    public ObjectSource? FirstObjectIn(string name)
    {
        if (_node is not null)
        {
            return _node[name] is JsonArray { Count: > 0 } items && items[0] is JsonObject first ? new ObjectSource(first) : (ObjectSource?)null;
        }

        return Member(name) is { ValueKind: JsonValueKind.Array } array && array.GetArrayLength() > 0 && array[0].ValueKind == JsonValueKind.Object
            ? new ObjectSource(array[0])
            : (ObjectSource?)null;
    }

    /// <summary>The members whose values are strings, in order (a repeated name more than once).</summary>
    public IEnumerable<KeyValuePair<string, string>> StringMembers()
    {
        if (_node is not null)
        {
            foreach (var (key, node) in _node)
            {
                if (node is JsonValue value && value.TryGetValue<string>(out var text))
                {
                    yield return new(key, text);
                }
            }

            yield break;
        }

        if (!IsObject)
        {
            yield break;
        }

        foreach (var member in _element.EnumerateObject())
        {
            if (member.Value.ValueKind == JsonValueKind.String)
            {
                yield return new(member.Name, member.Value.GetString()!);
            }
        }
    }

    private JsonElement? Member(string name) => IsObject && _element.TryGetProperty(name, out var value) ? value : null;
}
