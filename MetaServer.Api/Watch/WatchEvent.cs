using MetaServer.Api.Kubernetes;
using MetaServer.Data;
using MetaServer.Domain.Protobuf;

namespace MetaServer.Api.Watch;

/// <summary>
/// A committed change as watchers see it: shared by every watcher (its bytes are never copied per watcher),
/// with the labels and fields parsed once, on first use, for whichever watcher needs them first.
/// </summary>
internal sealed class WatchEvent(CommittedChange change)
{
    private Dictionary<string, string>? _labels;
    private Dictionary<string, string>? _fields;
    private Dictionary<string, string>? _prevLabels;
    private Dictionary<string, string>? _prevFields;
    private Enveloped? _protobuf;

    /// <summary>Queued by the hub's bookmark timer: "write a bookmark if you are caught up"; never a change.</summary>
    public static WatchEvent BookmarkTick { get; } = new(new CommittedChange(0, ChangeType.Modified, "", "", "", "", [], null, null, null, null));

    public bool IsBookmarkTick => ReferenceEquals(this, BookmarkTick);

    public CommittedChange Change => change;

    public long Revision => change.Revision;

    public Dictionary<string, string> Labels => _labels ??= Parse(change.Labels);

    public Dictionary<string, string> Fields => _fields ??= Parse(change.Fields);

    public Dictionary<string, string> PrevLabels => _prevLabels ??= Parse(change.PrevLabels);

    public Dictionary<string, string> PrevFields => _prevFields ??= Parse(change.PrevFields);

    /// <summary>
    /// The object as enveloped protobuf, encoded by the first protobuf watcher that needs it and then shared by
    /// all, as the JSON bytes are; two watchers racing may both encode it, once each.
    /// </summary>
    public byte[] ProtobufEnvelope(WireMessage message, string apiVersion, string kind)
    {
        if (Volatile.Read(ref _protobuf) is { } done && ReferenceEquals(done.Message, message))
        {
            return done.Bytes;
        }

        var bytes = KubeProtobuf.EncodeObject(message, apiVersion, kind, change.Value);
        Volatile.Write(ref _protobuf, new Enveloped(message, bytes));
        return bytes;
    }

    private sealed record Enveloped(WireMessage Message, byte[] Bytes);

    private static Dictionary<string, string> Parse(string? json) =>
        ObjectMatcher.ToMap(json is null ? default : System.Text.Encoding.UTF8.GetBytes(json));
}
