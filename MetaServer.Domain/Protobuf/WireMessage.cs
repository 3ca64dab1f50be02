using System.Collections.Frozen;

namespace MetaServer.Domain.Protobuf;

/// <summary>A message of the wire table: its fields by number and by JSON name.</summary>
public sealed class WireMessage
{
    private readonly FrozenDictionary<int, WireField> _byNumber;
    private readonly Dictionary<string, WireField> _byJsonName;
    private readonly Dictionary<string, WireField>.AlternateLookup<ReadOnlySpan<char>> _byJsonNameSpan;

    public WireMessage(string name, IReadOnlyList<WireField> fields)
    {
        Name = name;
        Fields = fields;
        _byNumber = fields.ToFrozenDictionary(f => f.Number);
        _byJsonName = fields.Where(f => !f.Inline).ToDictionary(f => f.JsonName, StringComparer.Ordinal);
        _byJsonNameSpan = _byJsonName.GetAlternateLookup<ReadOnlySpan<char>>();
        InlineFields = fields.Where(f => f.Inline).ToArray();
    }

    /// <summary>The short name, as "core.v1.Pod" or "meta.v1.ObjectMeta".</summary>
    public string Name { get; }

    /// <summary>The fields in field-number order.</summary>
    public IReadOnlyList<WireField> Fields { get; }

    public IReadOnlyList<WireField> InlineFields { get; }

    public WireField? ByNumber(int number) => _byNumber.GetValueOrDefault(number);

    /// <summary>The field a JSON member names (inline fields have no member of their own).</summary>
    public WireField? ByJsonName(ReadOnlySpan<char> name) => _byJsonNameSpan.TryGetValue(name, out var field) ? field : null;
}
