using System.Text.Json.Nodes;

namespace MetaServer.Domain.Tables;

/// <summary>
/// The core/v1 event row. LAST SEEN falls back to the first timestamp and then to eventTime, and a series replaces
/// both the last time and the count, so events written by either events API print alike.
/// </summary>
internal static class EventPrinter
{
    public static IReadOnlyList<TableColumn> Columns { get; } =
    [
        TableColumn.Text("Last Seen", "How long ago the event was last observed."),
        TableColumn.Text("Type", "Normal or Warning."),
        TableColumn.Text("Reason", "Short machine-readable reason for the event."),
        TableColumn.Text("Object", "The object the event is about, as kind/name."),
        TableColumn.WideText("Subobject", "The part of the object the event is about, such as a container."),
        TableColumn.WideText("Source", "The component, and host, that reported the event."),
        TableColumn.Text("Message", "Human-readable description of the event."),
        TableColumn.WideText("First Seen", "How long ago the event was first observed."),
        TableColumn.WideText("Count", "How many times the event was observed."),
        new("Name", "string", "name", "Name of the event object.", 1),
    ];

    public static JsonArray Cells(JsonObject ev, DateTimeOffset now)
    {
        var metadata = ev.Obj("metadata");
        var involved = ev.Obj("involvedObject");

        var firstTime = ev.Time("firstTimestamp") ?? ev.Time("eventTime");
        var firstSeen = HumanDuration.Since(firstTime, now);
        var lastSeen = ev.Time("lastTimestamp") is { } last ? HumanDuration.Since(last, now) : firstSeen;

        var count = ev.Integer("count");
        if (ev.Obj("series") is { } series)
        {
            lastSeen = HumanDuration.Since(series.Time("lastObservedTime"), now);
            count = series.Integer("count");
        }
        else if (count == 0)
        {
            // Events from the events.k8s.io API are written without a count when they happened once.
            count = 1;
        }

        var kind = involved.Text("kind").ToLowerInvariant();
        var target = involved.Text("name") is { Length: > 0 } name ? kind + "/" + name : kind;

        return
        [
            lastSeen,
            ev.Text("type"),
            ev.Text("reason"),
            target,
            involved.Text("fieldPath"),
            Source(ev),
            ev.Text("message").Trim(),
            firstSeen,
            count,
            metadata.Text("name"),
        ];
    }

    // "component, host" with the newer reporting fields standing in for empty source fields.
    private static string Source(JsonObject ev)
    {
        var source = ev.Obj("source");
        var component = source.Text("component") is { Length: > 0 } c ? c : ev.Text("reportingComponent");
        var host = source.Text("host") is { Length: > 0 } h ? h : ev.Text("reportingInstance");
        return host.Length == 0 ? component : component + ", " + host;
    }
}
