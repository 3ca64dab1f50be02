namespace MetaServer.Domain.Protobuf;

/// <summary>
/// One field of a message in the wire table. A map is a repeated entry message (key 1, value 2) on the wire and
/// a JSON object of string keys; <see cref="Kind"/> and <see cref="Message"/> then describe its values.
/// </summary>
public sealed class WireField(int number, string jsonName, WireKind kind, string? messageName, bool repeated, bool map, bool keepZero, bool inline)
{
    public int Number { get; } = number;

    public string JsonName { get; } = jsonName;

    public System.Text.Json.JsonEncodedText EncodedName { get; } = System.Text.Json.JsonEncodedText.Encode(jsonName);

    public WireKind Kind { get; } = kind;

    public string? MessageName { get; } = messageName;

    public bool Repeated { get; } = repeated;

    public bool IsMap { get; } = map;

    /// <summary>A zero scalar is still written in JSON (a pointer or a field without omitempty in the Go types).</summary>
    public bool KeepZero { get; } = keepZero;

    /// <summary>The message's fields sit in the parent's JSON object (Go's <c>json:",inline"</c>).</summary>
    public bool Inline { get; } = inline;

    /// <summary>For an inline field, the JSON member that carries its message's unknown protobuf fields.</summary>
    public string InlineUnknownMember { get; } = inline ? ProtobufToJson.UnknownFieldsMember + "." + jsonName : "";

    /// <summary>The nested message, once the table is resolved.</summary>
    public WireMessage? Message { get; internal set; }

    /// <summary>The wire type of the field's tag: varint for numbers and booleans, length-delimited otherwise.</summary>
    public int WireType => !IsMap && Kind is WireKind.Int32 or WireKind.Int64 or WireKind.Bool ? 0 : 2;
}
