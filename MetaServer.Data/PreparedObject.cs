using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MetaServer.Domain.Kubernetes;
using MetaServer.Domain.Selection;

namespace MetaServer.Data;

/// <summary>
/// An object serialized before it reaches the writer, with a slot where its resourceVersion goes: the writer only
/// splices the revision in, so no JSON work is left on the one writer thread. For writes whose object does not
/// depend on what is stored (the MetaManager's messages carry the whole object).
/// </summary>
public sealed class PreparedObject
{
    private PreparedObject(byte[] json, int slot, int slotLength, string? labels, string? fields)
    {
        Json = json;
        Slot = slot;
        SlotLength = slotLength;
        Labels = labels;
        Fields = fields;
    }

    private byte[] Json { get; }

    private int Slot { get; }

    private int SlotLength { get; }

    /// <summary>The selectable labels and fields, extracted once, as the writer stores them.</summary>
    public string? Labels { get; }

    public string? Fields { get; }

    /// <summary>Serializes <paramref name="obj"/> (which must have metadata) with a resourceVersion slot; the object is left as it was.</summary>
    public static PreparedObject From(JsonObject obj, ResourceType type) => From(obj, type, new ArrayBufferWriter<byte>(4096));

    /// <summary>As <see cref="From(JsonObject, ResourceType)"/>, serializing through a buffer the caller reuses.</summary>
    internal static PreparedObject From(JsonObject obj, ResourceType type, ArrayBufferWriter<byte> buffer)
    {
        var metadata = obj["metadata"] as JsonObject ?? throw new InvalidOperationException("an object to store has no metadata");
        var previous = metadata["resourceVersion"]?.DeepClone();
        // A marker no object can contain, found once in the output: the bytes around it are the object.
        var marker = "edgemeta-rv-" + Guid.NewGuid().ToString("N");
        metadata["resourceVersion"] = marker;
        StoreWriter.Serialize(obj, buffer);
        var json = buffer.WrittenSpan.ToArray();
        metadata["resourceVersion"] = previous;
        if (previous is null)
        {
            metadata.Remove("resourceVersion");
        }

        var slot = json.AsSpan().IndexOf(Encoding.UTF8.GetBytes(marker));
        return Selectable(json, slot, marker.Length, obj, type);
    }

    /// <summary>
    /// An object already serialized as <paramref name="json"/>, whose resourceVersion string value is the
    /// <paramref name="valueLength"/> bytes at <paramref name="valueStart"/> (inside its quotes): that value becomes
    /// the slot. Null when the value is not written compactly (<c>"resourceVersion":"</c> right before it) or holds
    /// an escape. <paramref name="view"/> is the same object, read for its labels and selectable fields.
    /// </summary>
    public static PreparedObject? FromJson(ReadOnlySpan<byte> json, int valueStart, int valueLength, JsonElement view, ResourceType type)
    {
        if (valueStart < MemberPrefix.Length || valueStart + valueLength >= json.Length || json[valueStart + valueLength] != (byte)'"'
            || !json.Slice(valueStart - MemberPrefix.Length, MemberPrefix.Length).SequenceEqual(MemberPrefix)
            || json.Slice(valueStart, valueLength).Contains((byte)'\\'))
        {
            return null;
        }

        return Selectable(json.ToArray(), valueStart, valueLength, view, type);
    }

    /// <summary>
    /// As <see cref="FromJson"/>, for an object with no resourceVersion: an empty slot is inserted first in its
    /// metadata, whose opening brace is at <paramref name="metadataOpen"/>.
    /// </summary>
    public static PreparedObject FromJsonWithoutVersion(ReadOnlySpan<byte> json, int metadataOpen, bool metadataEmpty, JsonElement view, ResourceType type)
    {
        var at = metadataOpen + 1;
        var member = MemberPrefix.Length + 1 + (metadataEmpty ? 0 : 1); // "resourceVersion":"" and a comma
        var bytes = new byte[json.Length + member];
        json[..at].CopyTo(bytes);
        MemberPrefix.CopyTo(bytes.AsSpan(at));
        bytes[at + MemberPrefix.Length] = (byte)'"';
        if (!metadataEmpty)
        {
            bytes[at + MemberPrefix.Length + 1] = (byte)',';
        }

        json[at..].CopyTo(bytes.AsSpan(at + member));
        return Selectable(bytes, at + MemberPrefix.Length, 0, view, type);
    }

    private static PreparedObject Selectable(byte[] json, int slot, int slotLength, ObjectSource view, ResourceType type) =>
        new(json, slot, slotLength,
            StoreWriter.JsonText(SelectableFields.ExtractLabels(view)),
            StoreWriter.JsonText(SelectableFields.Extract(type.Group, type.Resource, view)));

    /// <summary>The object's bytes with <paramref name="resourceVersion"/> in its slot.</summary>
    public byte[] With(long resourceVersion)
    {
        Span<byte> digits = stackalloc byte[20];
        resourceVersion.TryFormat(digits, out var length, provider: System.Globalization.CultureInfo.InvariantCulture);
        var value = new byte[Json.Length - SlotLength + length];
        Json.AsSpan(0, Slot).CopyTo(value);
        digits[..length].CopyTo(value.AsSpan(Slot));
        Json.AsSpan(Slot + SlotLength).CopyTo(value.AsSpan(Slot + length));
        return value;
    }

    /// <summary>
    /// The object's bytes with no resourceVersion at all (the member and its comma removed): what a dry-run create
    /// answers, since nothing was stored.
    /// </summary>
    public byte[] WithoutVersion()
    {
        var start = Slot - MemberPrefix.Length;
        var end = Slot + SlotLength + 1; // past the closing quote
        if (Json[start - 1] == (byte)',')
        {
            start--;
        }
        else if (Json[end] == (byte)',')
        {
            end++;
        }

        var value = new byte[Json.Length - (end - start)];
        Json.AsSpan(0, start).CopyTo(value);
        Json.AsSpan(end).CopyTo(value.AsSpan(start));
        return value;
    }

    private static ReadOnlySpan<byte> MemberPrefix => "\"resourceVersion\":\""u8;

    /// <summary>The length of <see cref="With"/>(<paramref name="resourceVersion"/>), without making it.</summary>
    public long LengthWith(long resourceVersion)
    {
        var digits = 1;
        for (var v = resourceVersion; v >= 10; v /= 10)
        {
            digits++;
        }

        return Json.Length - SlotLength + digits;
    }

    /// <summary>Whether these bytes, with <paramref name="resourceVersion"/> in the slot, are exactly <paramref name="stored"/>.</summary>
    public bool Equals(ReadOnlySpan<byte> stored, long resourceVersion)
    {
        Span<byte> digits = stackalloc byte[20];
        resourceVersion.TryFormat(digits, out var length, provider: System.Globalization.CultureInfo.InvariantCulture);
        return stored.Length == Json.Length - SlotLength + length
            && stored[..Slot].SequenceEqual(Json.AsSpan(0, Slot))
            && stored.Slice(Slot, length).SequenceEqual(digits[..length])
            && stored[(Slot + length)..].SequenceEqual(Json.AsSpan(Slot + SlotLength));
    }
}
