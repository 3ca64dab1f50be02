using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using MetaServer.Domain.Messages;
using MessageOperations = MetaServer.Domain.Messages.Operations;

namespace MetaServer.Api.MetaManager;

/// <summary>
/// What the MetaManager did with its messages, for operators: counts by operation, source and outcome (for
/// /metrics), and the most recent messages (for the status page). Operations and sources a peer makes up are
/// counted as "other", so a misbehaving peer cannot grow the number of metric series.
/// </summary>
internal sealed class MessageLedger(TimeProvider clock)
{
    public const int RecentCapacity = 50;

    private static readonly HashSet<string> KnownOperations =
    [
        MessageOperations.Insert, MessageOperations.Update, MessageOperations.Patch, MessageOperations.Delete, MessageOperations.Query, MessageOperations.Response,
        MessageOperations.Error, MessageOperations.Connect, MessageOperations.MetaSync, MessageOperations.CreateVolume, MessageOperations.DeleteVolume,
        MessageOperations.ControllerPublishVolume, MessageOperations.ControllerUnpublishVolume,
    ];

    private static readonly HashSet<string> KnownSources =
    [
        ModuleNames.Edged, ModuleNames.EdgeHub, ModuleNames.MetaManager, ModuleNames.DeviceTwin, NodeConnection.Source,
        Sources.EdgeController, Sources.DeviceController, Sources.PolicyController, Sources.DynamicController,
        Sources.SyncController, Sources.CloudHub, Sources.Router, Sources.MetaServer,
    ];

    private readonly ConcurrentDictionary<(string Operation, string Source, string Outcome), StrongBox<long>> _counts = new();
    private readonly Entry[] _recent = new Entry[RecentCapacity];
    private long _next;

    /// <summary>One message as it ended.</summary>
    public sealed record Entry(DateTimeOffset At, string Id, string Operation, string Source, string Resource, string Outcome);

    public void Record(Message message, string outcome)
    {
        var operation = Known(message.Route.Operation, KnownOperations);
        var source = Known(message.Route.Source, KnownSources);
        Interlocked.Increment(ref _counts.GetOrAdd((operation, source, outcome), _ => new StrongBox<long>()).Value);
        var slot = (Interlocked.Increment(ref _next) - 1) % RecentCapacity;
        Volatile.Write(ref _recent[slot], new Entry(clock.GetUtcNow(), message.Header.Id, message.Route.Operation ?? "",
            message.Route.Source ?? "", message.Route.Resource ?? "", outcome));
    }

    /// <summary>The counts so far, by operation, source and outcome.</summary>
    public IEnumerable<(string Operation, string Source, string Outcome, long Count)> Counts =>
        _counts.Select(c => (c.Key.Operation, c.Key.Source, c.Key.Outcome, Interlocked.Read(ref c.Value.Value)));

    /// <summary>The latest messages, newest first.</summary>
    public IReadOnlyList<Entry> Recent() =>
        _recent.Select(e => Volatile.Read(ref e)).OfType<Entry>().OrderByDescending(e => e.At).ToList();

    private static string Known(string? value, HashSet<string> known) =>
        value is not null && known.Contains(value) ? value : "other";
}
