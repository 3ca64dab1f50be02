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
    private byte[]? _jsonLine;
    private Enveloped? _protobuf;

    public CommittedChange Change => change;

    public long Revision => change.Revision;

    /// <summary>This change as a JSON watch-event line of its own type, framed by the first watcher that sends it.</summary>
    public byte[] JsonLine => Volatile.Read(ref _jsonLine) ?? FrameJsonLine();

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

    // Watchers on other threads may race to frame it; they build the same bytes and all but one are dropped.
    private byte[] FrameJsonLine()
    {
        var line = EventStream.JsonLine(EventFilter.Name(change.Type), change.Value);
        return Interlocked.CompareExchange(ref _jsonLine, line, null) ?? line;
    }

    private sealed record Enveloped(WireMessage Message, byte[] Bytes);

    private static Dictionary<string, string> Parse(string? json) =>
        ObjectMatcher.ToMap(json is null ? default : System.Text.Encoding.UTF8.GetBytes(json));
}
