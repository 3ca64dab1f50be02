using MetaServer.Data;
using Microsoft.Extensions.Options;

namespace MetaServer.Api.Watch;

/// <summary>
/// Keeps the change log to its window: at most <see cref="WatchSettings.HistoryMaxChanges"/> changes and none
/// older than <see cref="WatchSettings.HistoryMaxAge"/>. It compacts in steps of
/// <see cref="WatchSettings.CompactionStep"/> revisions, each its own short transaction in the writer's queue,
/// so writes keep flowing between steps. A watch asking for a compacted revision then gets 410 Gone.
/// </summary>
internal sealed partial class ChangeLogCompactor(
    SqliteStore store,
    StoreWriter writer,
    IOptions<WatchSettings> settings,
    TimeProvider clock,
    ILogger<ChangeLogCompactor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(settings.Value.CompactionInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await CompactOnceAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Compacts to the window as of now; returns the new compaction point.</summary>
    public async Task<long> CompactOnceAsync(CancellationToken cancellationToken)
    {
        var options = settings.Value;
        var byCount = store.CurrentRevision - options.HistoryMaxChanges;
        var byAge = await store.NewestRevisionBeforeAsync(clock.GetUtcNow() - options.HistoryMaxAge, cancellationToken);
        var target = Math.Max(byCount, byAge);
        var compacted = store.CompactedRevision;
        if (target <= compacted)
        {
            return compacted;
        }

        while (compacted < target && !cancellationToken.IsCancellationRequested)
        {
            compacted = await writer.CompactAsync(Math.Min(target, compacted + options.CompactionStep), cancellationToken);
        }

        Log.Compacted(logger, compacted, store.CurrentRevision);
        return compacted;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 210, Level = LogLevel.Debug, Message = "Change log compacted up to revision {Compacted} (current {Revision})")]
        public static partial void Compacted(ILogger logger, long compacted, long revision);
    }
}
