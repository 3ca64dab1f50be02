using System.Collections.Frozen;

namespace MetaServer.Domain.Protobuf;

/// <summary>A message of the wire table: its fields by number and by JSON name (as the UTF-8 bytes a JSON reader sees).</summary>
public sealed class WireMessage
{
    private readonly FrozenDictionary<int, WireField> _byNumber;

    // Open addressing over the UTF-8 member names: a lookup hashes the bytes the reader hands out, no string made.
    private readonly byte[][] _names;
    private readonly WireField[] _slots;
    private readonly int _mask;

    public WireMessage(string name, IReadOnlyList<WireField> fields)
    {
        Name = name;
        Fields = fields;
        _byNumber = fields.ToFrozenDictionary(f => f.Number);
        InlineFields = fields.Where(f => f.Inline).ToArray();
        var named = fields.Where(f => !f.Inline).ToArray();
        var size = 4;
        while (size < named.Length * 2)
        {
            size *= 2;
        }

        _mask = size - 1;
        _names = new byte[size][];
        _slots = new WireField[size];
        foreach (var field in named)
        {
            var utf8 = System.Text.Encoding.UTF8.GetBytes(field.JsonName);
            var slot = Hash(utf8) & _mask;
            while (_names[slot] is not null)
            {
                slot = (slot + 1) & _mask;
            }

            _names[slot] = utf8;
            _slots[slot] = field;
        }
    }

    /// <summary>The short name, as "core.v1.Pod" or "meta.v1.ObjectMeta".</summary>
    public string Name { get; }

    /// <summary>The fields in field-number order.</summary>
    public IReadOnlyList<WireField> Fields { get; }

    /// <summary>The fields whose members sit in this message's JSON object (Go's <c>json:",inline"</c>).</summary>
    public IReadOnlyList<WireField> InlineFields { get; }

    public WireField? ByNumber(int number) => _byNumber.GetValueOrDefault(number);

    /// <summary>The field a JSON member names, by the member's UTF-8 name (inline fields have no member of their own).</summary>
    public WireField? ByJsonName(ReadOnlySpan<byte> utf8Name)
    {
        var slot = Hash(utf8Name) & _mask;
        while (_names[slot] is { } name)
        {
            if (utf8Name.SequenceEqual(name))
            {
                return _slots[slot];
            }

            slot = (slot + 1) & _mask;
        }

        return null;
    }

    // FNV-1a: member names are short, so a byte loop beats anything with setup cost.
    private static int Hash(ReadOnlySpan<byte> bytes)
    {
        var hash = 2166136261u;
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 16777619u;
        }

        return (int)(hash ^ hash >> 15);
    }
}
