using MetaServer.Data;
using MetaServer.Domain.Kubernetes;

namespace MetaServer.Api.Watch;

/// <summary>
/// Applies a watch's selectors to a change the way the apiserver's watch cache does: an object that starts
/// matching is ADDED for this watcher, one that stops matching is DELETED, one that never matched is not seen.
/// </summary>
internal sealed class EventFilter(WatchOptions options)
{
    private bool Unfiltered => options.Labels.IsEmpty && options.Fields.IsEmpty;

    /// <summary>True when every change reaches this watcher as what it is (no selectors).</summary>
    public bool PassesAll => Unfiltered;

    /// <summary>The event type this watcher sees for a change, or null when it sees nothing.</summary>
    public string? TypeFor(WatchEvent watchEvent)
    {
        var change = watchEvent.Change;
        if (Unfiltered)
        {
            return Name(change.Type);
        }

        var now = change.Type != ChangeType.Deleted && Matches(watchEvent.Labels, watchEvent.Fields);
        var before = change.Type != ChangeType.Added && Matches(watchEvent.PrevLabels, watchEvent.PrevFields);
        return (before, now) switch
        {
            (true, true) => "MODIFIED",
            (false, true) => "ADDED",
            (true, false) => "DELETED",
            _ => null,
        };
    }

    private bool Matches(Dictionary<string, string> labels, Dictionary<string, string> fields) =>
        (options.Labels.IsEmpty || options.Labels.Matches(labels)) && (options.Fields.IsEmpty || options.Fields.Matches(fields));

    public static string Name(ChangeType type) => type switch
    {
        ChangeType.Added => "ADDED",
        ChangeType.Modified => "MODIFIED",
        _ => "DELETED",
    };
}
