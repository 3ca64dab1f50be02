using MetaServer.Api.CloudLink;
using MetaServer.Api.MetaManager;
using MetaServer.Api.Watch;
using MetaServer.Data;
using Prometheus;

namespace MetaServer.Api.Observability;

/// <summary>
/// The server's Prometheus metrics, in a registry of its own (not prometheus-net's static default, so two servers in
/// one process never share series). Requests are counted as they end; everything else is read at scrape time from
/// the counters the watch hub, MetaManager, writer and cloud link already keep, so no hot path pays for metrics.
/// </summary>
internal sealed class ServerMetrics
{
    // The apiserver's request-latency buckets, shortened: 5 ms to 60 s.
    private static readonly double[] LatencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
    private static readonly string[] RequestLabels = ["verb", "group", "resource", "subresource"];

    public ServerMetrics(SqliteStore store, StoreWriter writer, WatchHub watch, MetaManagerService metaManager, MessageLedger ledger, IServiceProvider services)
    {
        var factory = Metrics.WithCustomRegistry(Registry);
        Requests = factory.CreateCounter("edgemeta_requests_total", "Requests answered, by Kubernetes verb, API group, resource, subresource and HTTP code.",
            [.. RequestLabels, "code"]);
        Latency = factory.CreateHistogram("edgemeta_request_duration_seconds", "Time to answer a request (watches excluded: they last until they end).",
            RequestLabels, new HistogramConfiguration { Buckets = LatencyBuckets });

        var watchers = factory.CreateGauge("edgemeta_watchers", "Watches open now.");
        var watchEvents = factory.CreateCounter("edgemeta_watch_events_total", "Watch events: sent to clients, or dropped because their watcher was cut off.", "outcome");
        var cutOffs = factory.CreateCounter("edgemeta_watch_cutoffs_total", "Watchers cut off for falling behind (they relist).");
        var messages = factory.CreateCounter("edgemeta_metamanager_messages_total",
            "MetaManager messages by outcome: processed, refused (answered with an error), resent (answered from the receipt), undelivered (a forward or answer nobody took).", "outcome");
        var byKind = factory.CreateCounter("edgemeta_metamanager_messages_by_kind_total",
            "MetaManager messages by operation, source and outcome (processed, refused, resent); unknown operations and sources count as \"other\".",
            "operation", "source", "outcome");
        var queue = factory.CreateGauge("edgemeta_metamanager_queue_depth", "Messages in the MetaManager's inbox or waiting for their commit and answer.");
        var transactions = factory.CreateCounter("edgemeta_store_transactions_total", "Write transactions committed (group commit: many writes each).");
        var writes = factory.CreateCounter("edgemeta_store_writes_total", "Writes and commands committed.");
        var commitSeconds = factory.CreateCounter("edgemeta_store_commit_seconds_total",
            "Time spent running and committing write transactions, fsync included; divide by edgemeta_store_transactions_total for the mean.");
        var revision = factory.CreateGauge("edgemeta_store_revision", "The store's newest committed revision.");
        var size = factory.CreateGauge("edgemeta_database_size_bytes", "Size of the SQLite database file and of its write-ahead log.", "file");

        // Only in edge mode: a standalone server has no link to report.
        var cloud = services.GetService<CloudLinkService>();
        var connected = cloud is null ? null : factory.CreateGauge("edgemeta_cloudlink_connected", "1 while the link to the cloud is up.");
        var outbox = cloud is null ? null : factory.CreateGauge("edgemeta_cloudlink_outbox_depth", "The node's own writes kept for the cloud while the link was down.");

        Registry.AddBeforeCollectCallback(async cancellationToken =>
        {
            watchers.Set(watch.ActiveWatchers);
            var (sent, dropped) = watch.Events;
            watchEvents.WithLabels("sent").IncTo(sent);
            watchEvents.WithLabels("dropped").IncTo(dropped);
            cutOffs.IncTo(watch.CutOffCount);

            var (processed, refused, resent, undelivered) = metaManager.Counters;
            messages.WithLabels("processed").IncTo(processed);
            messages.WithLabels("refused").IncTo(refused);
            messages.WithLabels("resent").IncTo(resent);
            messages.WithLabels("undelivered").IncTo(undelivered);
            queue.Set(metaManager.QueueDepth);
            foreach (var (operation, source, outcome, count) in ledger.Counts)
            {
                byKind.WithLabels(operation, source, outcome).IncTo(count);
            }

            var (batches, units) = writer.Committed;
            transactions.IncTo(batches);
            writes.IncTo(units);
            commitSeconds.IncTo(writer.CommitTime.TotalSeconds);
            revision.Set(store.CurrentRevision);
            size.WithLabels("db").Set(FileSize(store.FilePath));
            size.WithLabels("wal").Set(FileSize(store.FilePath + "-wal"));

            if (cloud is not null)
            {
                connected!.Set(cloud.Connected ? 1 : 0);
                outbox!.Set(await store.OutboxDepthAsync(cancellationToken));
            }
        });
        DotNetStats.Register(Registry);
    }

    public CollectorRegistry Registry { get; } = Metrics.NewCustomRegistry();

    public Counter Requests { get; }

    public Histogram Latency { get; }

    private static long FileSize(string path)
    {
        var file = new FileInfo(path);
        return file.Exists ? file.Length : 0;
    }
}
