using MetaServer.Api.Kubernetes;
using MetaServer.Data;
using MetaServer.Domain.Kubernetes;
using MetaServer.Domain.Tables;
using Microsoft.Extensions.Options;

namespace MetaServer.Api.Watch;

/// <summary>
/// GET with watch=true (or under /watch/): a chunked stream of watch events. The watcher subscribes to the hub
/// before it reads where it starts from (a snapshot or the change log), then skips live events at or below
/// that point: no change falls between the two and none is sent twice.
/// </summary>
internal sealed partial class WatchHandler(
    SqliteStore store,
    WatchHub hub,
    IOptions<WatchSettings> settings,
    TimeProvider clock,
    ILogger<WatchHandler> logger) : IVerbHandler
{
    private const int ChangePageSize = 1000;

    public async Task<IResult> HandleAsync(ApiRequest request)
    {
        if (request.Format == MediaTypes.Format.Yaml)
        {
            return KubeResults.Status(KubeStatus.NotAcceptable([MediaTypes.Json, MediaTypes.TableV1]));
        }

        var type = request.Type;
        var options = WatchOptions.Parse(request.Query, type.Group, type.Resource, request.Name, out var error);
        if (options is null)
        {
            return KubeResults.Status(error!);
        }

        var table = request.Format == MediaTypes.Format.Table ? TableRendering.Options(request, out error) : null;
        if (request.Format == MediaTypes.Format.Table && table is null)
        {
            return KubeResults.Status(error!);
        }

        var prefix = type.KeyPrefix(request.Namespace.Length == 0 ? null : request.Namespace);
        var watcher = hub.Subscribe(type.Gvr, prefix, settings.Value.QueueCapacity, options.AllowBookmarks);
        try
        {
            await StreamAsync(request, options, table, watcher, prefix);
        }
        catch (OperationCanceledException) when (request.Aborted.IsCancellationRequested)
        {
            // The client went away.
        }
        catch (OperationCanceledException) when (!request.Aborted.IsCancellationRequested && !watcher.CutOff)
        {
            // The watch's time ran out while a write to the client was waiting: the stream simply ends.
        }
        catch (OperationCanceledException) when (watcher.CutOff)
        {
            // Cut off while blocked writing to a client that stopped reading: drop the connection; it will relist.
            Log.EndedSlow(logger, watcher.Gvr, hub.LastPublishedRevision);
            request.Http.Abort();
        }
        finally
        {
            hub.Unsubscribe(watcher);
        }

        return Results.Empty;
    }

    private async Task StreamAsync(ApiRequest request, WatchOptions options, TableOptions? table, Watcher watcher, string prefix)
    {
        var response = request.Http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        var protobuf = ProtobufExchange.Of(request.Http) is { Answer: true } exchange ? exchange : null;
        response.ContentType = table is not null ? MediaTypes.TableV1 : protobuf is not null ? MediaTypes.ProtobufWatch : MediaTypes.Json;
        response.Headers.CacheControl = "no-cache, private";
        await response.StartAsync(request.Aborted);

        using var timeout = new CancellationTokenSource(Timeout(options));
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, request.Aborted, watcher.CutOffToken);
        var stream = new EventStream(response.BodyWriter, request.Type, table, clock, protobuf);
        var filter = new EventFilter(options);

        var from = options.Start switch
        {
            WatchStart.CurrentState or WatchStart.InitialEventsThenBookmark => await SendCurrentStateAsync(stream, options, prefix, ending.Token),
            WatchStart.Now => store.CurrentRevision,
            _ => await SendHistoryAsync(stream, filter, options.Revision, prefix, ending.Token),
        };
        if (from < 0)
        {
            return; // the history asked for is gone: the ERROR event has been sent.
        }

        if (options.Start == WatchStart.InitialEventsThenBookmark)
        {
            stream.WriteBookmark(from, initialEventsEnd: true);
        }

        try
        {
            await stream.FlushAsync(ending.Token);
            await SendLiveAsync(stream, filter, watcher, from, ending.Token);
        }
        finally
        {
            hub.CountSent(stream.TakeWritten());
        }
    }

    // Synthetic ADDED events for every matching object in one snapshot; returns the snapshot's revision.
    private async Task<long> SendCurrentStateAsync(EventStream stream, WatchOptions options, string prefix, CancellationToken cancellationToken)
    {
        var matcher = new ObjectMatcher(options.Labels, options.Fields);
        using var cursor = store.OpenList(prefix, null);
        while (cursor.Read())
        {
            if (matcher.Matches(cursor))
            {
                stream.WriteChange("ADDED", cursor.Value);
                await stream.FlushIfFullAsync(cancellationToken);
            }
        }

        return cursor.SnapshotRevision;
    }

    // Exactly the changes after a revision, from the change log; -1 (after an ERROR event) if they were compacted.
    private async Task<long> SendHistoryAsync(EventStream stream, EventFilter filter, long after, string prefix, CancellationToken cancellationToken)
    {
        while (true)
        {
            var page = store.ReadChanges(after, prefix, ChangePageSize);
            if (after < page.CompactedRevision)
            {
                stream.WriteError(KubeStatus.Expired($"too old resource version: {after} ({page.CompactedRevision})"));
                await stream.FlushAsync(cancellationToken);
                return -1;
            }

            foreach (var change in page.Changes)
            {
                if (filter.TypeFor(new WatchEvent(change)) is { } type)
                {
                    stream.WriteChange(type, change.Value);
                    await stream.FlushIfFullAsync(cancellationToken);
                }

                after = change.Revision;
            }

            if (page.Changes.Count < ChangePageSize)
            {
                // Nothing under this prefix after `after` up to the snapshot: the watcher is caught up to it.
                return Math.Max(after, page.Revision);
            }
        }
    }

    private async Task SendLiveAsync(EventStream stream, EventFilter filter, Watcher watcher, long from, CancellationToken ending)
    {
        // Timeout, client gone or cut off: the watcher's queue completes, which ends the wait below. One
        // registration for the whole watch instead of one per wait.
        using var stop = ending.Register(static w => ((Watcher)w!).Close(), watcher);
        var batches = watcher.Batches;
        while (await batches.WaitToReadAsync())
        {
            // Everything queued is written before one flush: a watcher that wakes late catches up in one send.
            var bookmarkAsked = false;
            while (batches.TryRead(out var batch))
            {
                if (batch.IsBookmarkTick)
                {
                    watcher.TookBookmarkTick();
                    bookmarkAsked = true;
                    continue;
                }

                from = await SendBatchAsync(stream, filter, watcher, batch, from, ending);
            }

            if (bookmarkAsked)
            {
                // Read the hub's progress before looking at the queue: if nothing is then waiting, every event up
                // to that revision has been handled and it is a safe point to resume from.
                var caughtUp = hub.LastPublishedRevision;
                if (watcher.CaughtUp)
                {
                    stream.WriteBookmark(Math.Max(from, caughtUp), initialEventsEnd: false);
                }
            }

            await stream.FlushAsync(ending);
            hub.CountSent(stream.TakeWritten());
        }

        if (watcher.CutOff)
        {
            Log.EndedSlow(logger, watcher.Gvr, from);
        }
    }

    // One commit's events of the watched type: the events under the prefix and after `from`, as the filter lets
    // them through. When that is all of them, unchanged, the batch's shared lines are written whole. Returns the
    // revision the watcher has now covered.
    private static async ValueTask<long> SendBatchAsync(EventStream stream, EventFilter filter, Watcher watcher, WatchBatch batch, long from, CancellationToken ending)
    {
        var events = batch.Events;
        var mine = 0;
        foreach (var watchEvent in events)
        {
            if (watcher.Wants(watchEvent))
            {
                mine++;
            }
        }

        if (mine == events.Length && events[0].Revision > from && stream.WritesJsonAsIs && filter.PassesAll)
        {
            stream.WriteChanges(batch.JsonLines, events.Length);
            watcher.Took(mine);
            await stream.FlushIfFullAsync(ending);
            return events[^1].Revision;
        }

        foreach (var watchEvent in events)
        {
            if (!watcher.Wants(watchEvent) || watchEvent.Revision <= from)
            {
                continue;
            }

            from = watchEvent.Revision;
            if (filter.TypeFor(watchEvent) is { } type)
            {
                stream.WriteChange(type, watchEvent);
                await stream.FlushIfFullAsync(ending);
            }
        }

        watcher.Took(mine);
        return from;
    }

    // timeoutSeconds if given, else the server's default with jitter, as the apiserver spreads reconnects.
    private TimeSpan Timeout(WatchOptions options)
    {
        if (options.TimeoutSeconds is { } seconds and > 0)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        var min = settings.Value.MinTimeout;
        return min + TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * min.TotalMilliseconds);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 201, Level = LogLevel.Information, Message = "Watch of {Gvr} ended after being cut off at revision {Revision}")]
        public static partial void EndedSlow(ILogger logger, string gvr, long revision);
    }
}
