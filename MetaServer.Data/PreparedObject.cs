using System.Buffers;
using System.Text;
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
        return new PreparedObject(json, slot, marker.Length,
            StoreWriter.JsonText(SelectableFields.ExtractLabels(obj)),
            StoreWriter.JsonText(SelectableFields.Extract(type.Group, type.Resource, obj)));
    }

    /// <summary>
    /// An object already serialized as <paramref name="json"/> (kept, not copied), whose resourceVersion value is the
    /// <paramref name="slotLength"/> bytes at <paramref name="slot"/>, right after <c>"resourceVersion":"</c>;
    /// <paramref name="view"/> is the same object, read for its labels and selectable fields.
    /// </summary>
    public static PreparedObject FromJson(byte[] json, int slot, int slotLength, JsonObject view, ResourceType type)
    {
        if (slot < MemberPrefix.Length || slot + slotLength >= json.Length || !json.AsSpan(slot - MemberPrefix.Length, MemberPrefix.Length).SequenceEqual(MemberPrefix)
            || json[slot + slotLength] != (byte)'"')
        {
            throw new ArgumentException("the slot is not a resourceVersion string value", nameof(slot));
        }

        return new PreparedObject(json, slot, slotLength,
            StoreWriter.JsonText(SelectableFields.ExtractLabels(view)),
            StoreWriter.JsonText(SelectableFields.Extract(type.Group, type.Resource, view)));
    }

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
