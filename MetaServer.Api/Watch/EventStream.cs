using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using MetaServer.Api.Kubernetes;
using MetaServer.Domain.Kubernetes;
using MetaServer.Domain.Tables;

namespace MetaServer.Api.Watch;

/// <summary>
/// Writes watch events, one JSON object per line, splicing stored object bytes as they are; or, for a protobuf
/// watch, length-prefixed WatchEvent frames each carrying its object enveloped.
/// </summary>
internal sealed class EventStream(PipeWriter pipe, ResourceType type, TableOptions? table, TimeProvider clock, ProtobufExchange? protobuf = null)
{
    private const int FlushThreshold = 32 * 1024;
    private bool _columnsSent;
    private long _written;

    /// <summary>The ADDED/MODIFIED/DELETED events written since the last call (for the metrics, counted per flush).</summary>
    public long TakeWritten()
    {
        var written = _written;
        _written = 0;
        return written;
    }

    /// <summary>An ADDED/MODIFIED/DELETED event; in the Table form its object is a one-row Table (columns only in the first).</summary>
    public void WriteChange(string eventType, ReadOnlySpan<byte> objectJson)
    {
        _written++;
        if (table is null)
        {
            Write(eventType, objectJson);
            return;
        }

        Write(eventType, TableRendering.ObjectTable(type, objectJson, clock.GetUtcNow(), table.IncludeObject, withColumnDefinitions: !_columnsSent));
        _columnsSent = true;
    }

    /// <summary>True when events are written as plain JSON lines (not a Table, not protobuf): shared lines can be used as they are.</summary>
    public bool WritesJsonAsIs => table is null && protobuf is null;

    /// <summary>Several ADDED/MODIFIED/DELETED events already framed as JSON lines (a <see cref="WatchBatch"/>'s, shared).</summary>
    public void WriteChanges(ReadOnlySpan<byte> jsonLines, int events)
    {
        _written += events;
        pipe.Write(jsonLines);
    }

    /// <summary>
    /// A live event. When this watcher sees the change as what it is (no selector turned it into ADDED/DELETED) in
    /// plain JSON, the event's line framed once for every watcher is written whole: one copy, one write.
    /// </summary>
    /// In protobuf, the event's envelope is the one encoded once for every watcher of the kind.
    public void WriteChange(string eventType, WatchEvent watchEvent)
    {
        if (WritesJsonAsIs && eventType == EventFilter.Name(watchEvent.Change.Type))
        {
            _written++;
            pipe.Write(watchEvent.JsonLine);
            return;
        }

        if (protobuf is not null && table is null)
        {
            _written++;
            Domain.Protobuf.KubeProtobuf.WriteWatchFrame(pipe, eventType, watchEvent.ProtobufEnvelope(protobuf.Message, type.ApiVersion, type.Kind));
            return;
        }

        WriteChange(eventType, watchEvent.Change.Value);
    }

    /// <summary>One JSON watch event as a line: <c>{"type":..,"object":..}\n</c>, the object's bytes spliced as they are.</summary>
    public static byte[] JsonLine(string eventType, ReadOnlySpan<byte> objectJson)
    {
        var prefix = JsonPrefix(eventType);
        var line = new byte[prefix.Length + objectJson.Length + 2];
        prefix.CopyTo(line);
        objectJson.CopyTo(line.AsSpan(prefix.Length));
        "}\n"u8.CopyTo(line.AsSpan(prefix.Length + objectJson.Length));
        return line;
    }

    private static ReadOnlySpan<byte> JsonPrefix(string eventType) => eventType switch
    {
        "ADDED" => "{\"type\":\"ADDED\",\"object\":"u8,
        "MODIFIED" => "{\"type\":\"MODIFIED\",\"object\":"u8,
        "DELETED" => "{\"type\":\"DELETED\",\"object\":"u8,
        "BOOKMARK" => "{\"type\":\"BOOKMARK\",\"object\":"u8,
        _ => "{\"type\":\"ERROR\",\"object\":"u8,
    };

    private void Write(string eventType, ReadOnlySpan<byte> objectJson)
    {
        if (protobuf is not null)
        {
            var envelope = eventType == "ERROR"
                ? ProtobufAnswer.Status(objectJson.ToArray())
                : Domain.Protobuf.KubeProtobuf.EncodeObject(protobuf.Message, type.ApiVersion, type.Kind, objectJson);
            Domain.Protobuf.KubeProtobuf.WriteWatchFrame(pipe, eventType, envelope);
            return;
        }

        pipe.Write(JsonPrefix(eventType));
        pipe.Write(objectJson);
        pipe.Write("}\n"u8);
    }

    /// <summary>A BOOKMARK: an object of the watched kind carrying only the revision the watcher is caught up to.</summary>
    public void WriteBookmark(long revision, bool initialEventsEnd)
    {
        var json = new StringBuilder(160)
            .Append("{\"kind\":\"").Append(type.Kind).Append("\",\"apiVersion\":\"").Append(type.ApiVersion)
            .Append("\",\"metadata\":{\"resourceVersion\":\"").Append(revision.ToString(CultureInfo.InvariantCulture))
            .Append("\",\"creationTimestamp\":null");
        if (initialEventsEnd)
        {
            json.Append(",\"annotations\":{\"k8s.io/initial-events-end\":\"true\"}");
        }

        json.Append("}}");
        Write("BOOKMARK", Encoding.UTF8.GetBytes(json.ToString()));
    }

    public void WriteError(KubeStatus status) => Write("ERROR", status.ToUtf8Json());

    public ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken) => pipe.FlushAsync(cancellationToken);

    public async ValueTask FlushIfFullAsync(CancellationToken cancellationToken)
    {
        if (pipe.UnflushedBytes > FlushThreshold)
        {
            await pipe.FlushAsync(cancellationToken);
        }
    }
}
