using System.Net;
using System.Text.Json.Nodes;
using MetaServer.Api.Bus;
using MetaServer.Api.CustomResources;
using MetaServer.Api.MetaManager;
using MetaServer.Data;
using MetaServer.Domain.Kubernetes;
using MetaServer.Domain.Messages;
using Microsoft.Extensions.Options;
using MessageOperations = MetaServer.Domain.Messages.Operations;

namespace MetaServer.Api.CloudLink;

/// <summary>
/// The cloud link (KubeEdge's edgehub role) against a real upstream Kubernetes API server. It is module
/// <c>websocket</c> of group <c>hub</c> on the bus:
/// <list type="bullet">
/// <item>sync in: lists and watches the node's scope upstream and turns what arrives into insert, update and
/// delete messages from the edge controller, which the MetaManager stores like KubeEdge's cloud messages;</item>
/// <item>writes out: the API's writes go upstream while connected (<see cref="ForwardAsync"/>); the messages the
/// MetaManager sends to the cloud become the matching upstream calls;</item>
/// <item>connection state: connected after a successful probe, disconnected on a failed probe, watch or list;
/// broadcast to the MetaManager as KubeEdge's node connection message; reconnects with backoff and jitter;</item>
/// <item>on reconnect: the outbox of node-owned writes is replayed, then the scope is relisted, so objects
/// deleted or changed upstream meanwhile are deleted or updated here.</item>
/// </list>
/// </summary>
internal sealed partial class CloudLinkService(
    Upstream upstream,
    MessageBus bus,
    StoreWriter writer,
    SqliteStore store,
    ResourceRegistry registry,
    IOptions<CloudLinkOptions> options,
    IOptions<MetaManagerOptions> metaOptions,
    TimeProvider clock,
    ILogger<CloudLinkService> logger) : BackgroundService
{
    private readonly CloudLinkOptions _options = options.Value;
    private readonly string _node = metaOptions.Value.NodeName;
    private readonly Lock _refsGate = new();
    private readonly Dictionary<string, string[]> _refsByPod = new(StringComparer.Ordinal);
    private HashSet<string> _referenced = new(StringComparer.Ordinal);
    private CancellationTokenSource _refsChanged = new();
    private Mailbox? _inbox;
    private volatile bool _connected;
    private long _lastSyncAt;
    private long _changedAt;
    private string? _lastError;

    public bool Connected => _connected;

    public Uri Address => upstream.Address;

    /// <summary>When the scope was last listed in full, and when the state last changed.</summary>
    public (DateTimeOffset? LastSync, DateTimeOffset? StateSince, string? LastError) Status =>
        (At(Interlocked.Read(ref _lastSyncAt)), At(Interlocked.Read(ref _changedAt)), _lastError);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _inbox = bus.Register(ModuleNames.EdgeHub, GroupNames.Hub);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var inbox = Task.Run(() => ReadInboxAsync(stoppingToken), CancellationToken.None);
        var backoff = TimeSpan.FromMilliseconds(_options.MinBackoffMilliseconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            var started = clock.GetUtcNow();
            try
            {
                await RunConnectedAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                _lastError = ex.Message;
                Log.LinkFailed(logger, upstream.Address, ex.Message);
            }

            await SetConnectedAsync(false);
            if (clock.GetUtcNow() - started > TimeSpan.FromSeconds(10))
            {
                backoff = TimeSpan.FromMilliseconds(_options.MinBackoffMilliseconds);
            }

            try
            {
                // ±20% jitter, so edges cut off together do not all come back in the same instant.
                await Task.Delay(backoff * (0.8 + (Random.Shared.NextDouble() * 0.4)), clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(_options.MaxBackoffSeconds).Ticks));
        }

        await inbox;
    }

    private async Task RunConnectedAsync(CancellationToken stoppingToken)
    {
        await ProbeAsync(stoppingToken);
        using var link = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        await SetConnectedAsync(true);
        await ReplayOutboxAsync(link.Token);
        var podsListed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await EnsureCustomResourcesAsync(link.Token);
        var extra = _options.ExtraResources.Select(ResolveExtra).OfType<ResourceType>().ToList();
        var tasks = SyncScope.For(_node, registry.Current, extra)
            .Select(resource => Task.Run(() => SyncAsync(resource, podsListed, link.Token), CancellationToken.None))
            .Append(Task.Run(() => ProbeLoopAsync(link.Token), CancellationToken.None))
            .ToList();
        var first = await Task.WhenAny(tasks);
        await link.CancelAsync();
        try
        {
            await Task.WhenAll(tasks);
        }
        catch (Exception) when (first.IsFaulted || stoppingToken.IsCancellationRequested)
        {
        }

        await first; // rethrows what took the link down
    }

    private async Task ProbeAsync(CancellationToken cancellationToken)
    {
        var (code, _) = await upstream.SendAsync(HttpMethod.Get, "/version", cancellationToken: cancellationToken);
        if (code != HttpStatusCode.OK)
        {
            throw new HttpRequestException($"the cloud's /version answered {(int)code}");
        }
    }

    private async Task ProbeLoopAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await Task.Delay(TimeSpan.FromSeconds(_options.ProbeIntervalSeconds), clock, cancellationToken);
            await ProbeAsync(cancellationToken);
        }
    }

    private async Task SetConnectedAsync(bool connected)
    {
        if (_connected == connected)
        {
            return;
        }

        _connected = connected;
        Interlocked.Exchange(ref _changedAt, clock.GetUtcNow().ToUnixTimeMilliseconds());
        Log.State(logger, connected ? "connected to" : "disconnected from", upstream.Address);
        // KubeEdge's node connection broadcast: the MetaManager decides remote vs local by it.
        await bus.SendAsync(ModuleNames.MetaManager, NodeConnection.Broadcast(connected, GroupNames.Meta, clock));
    }

    // List, reconcile, then watch from the list's revision until the watch expires (410) or the pods'
    // references change; then again. Any other failure takes the link down.
    private async Task SyncAsync(SyncedResource resource, TaskCompletionSource podsListed, CancellationToken cancellationToken)
    {
        var isPods = resource.Type.Resource == "pods" && resource.Type.Group.Length == 0;
        if (resource.ReferencedOnly)
        {
            await podsListed.Task.WaitAsync(cancellationToken);
        }

        while (true)
        {
            CancellationTokenSource refsChanged;
            lock (_refsGate)
            {
                refsChanged = _refsChanged;
            }

            var version = await ReconcileAsync(resource, cancellationToken);
            if (isPods)
            {
                podsListed.TrySetResult();
            }

            using var watch = resource.ReferencedOnly
                ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, refsChanged.Token)
                : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            try
            {
                while (version is not null)
                {
                    version = await WatchAsync(resource, version, isPods, watch.Token);
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The pods now reference other objects: relist the referenced kinds.
            }
        }
    }

    /// <summary>One watch; the revision to continue from when it ends normally, or null to relist (410).</summary>
    private async Task<string?> WatchAsync(SyncedResource resource, string version, bool isPods, CancellationToken cancellationToken)
    {
        await foreach (var (type, obj) in upstream.WatchAsync(resource.ListPath, version, cancellationToken))
        {
            var objectVersion = obj["metadata"]?["resourceVersion"]?.GetValue<string>();
            switch (type)
            {
                case "ERROR":
                    if ((int?)obj["code"] == 410)
                    {
                        return null;
                    }

                    throw new HttpRequestException("watch error: " + (obj["message"]?.GetValue<string>() ?? obj.ToJsonString()));
                case "BOOKMARK":
                    break;
                case "ADDED" or "MODIFIED" or "DELETED":
                    var key = KeyOf(resource.Type, obj);
                    if (isPods)
                    {
                        UpdateReferences(key, type == "DELETED" ? null : obj);
                    }

                    if (resource.ReferencedOnly && type != "DELETED" && !IsReferenced(key))
                    {
                        break;
                    }

                    await SendAsync(resource.Type, type switch
                    {
                        "ADDED" => MessageOperations.Insert,
                        "MODIFIED" => MessageOperations.Update,
                        _ => MessageOperations.Delete,
                    }, obj, cancellationToken);
                    break;
            }

            version = objectVersion ?? version;
        }

        return version;
    }

    /// <summary>Lists the resource upstream and brings the local copies in line; returns the list's revision.</summary>
    private async Task<string> ReconcileAsync(SyncedResource resource, CancellationToken cancellationToken)
    {
        var items = new List<JsonObject>();
        string? version = null;
        string? next = null;
        do
        {
            var separator = resource.ListPath.Contains('?') ? '&' : '?';
            var path = resource.ListPath + separator + "limit=500" + (next is null ? "" : "&continue=" + Uri.EscapeDataString(next));
            var (code, list) = await upstream.SendAsync(HttpMethod.Get, path, cancellationToken: cancellationToken);
            if (code != HttpStatusCode.OK || list is null)
            {
                throw new HttpRequestException($"list {resource.ListPath} answered {(int)code}");
            }

            version = list["metadata"]?["resourceVersion"]?.GetValue<string>();
            next = list["metadata"]?["continue"]?.GetValue<string>();
            items.AddRange((list["items"] as JsonArray ?? []).OfType<JsonObject>());
        }
        while (!string.IsNullOrEmpty(next));

        var isPods = resource.Type.Resource == "pods" && resource.Type.Group.Length == 0;
        if (isPods)
        {
            ReplaceReferences(items.Select(pod => (KeyOf(resource.Type, pod), pod)));
        }

        var desired = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var key = KeyOf(resource.Type, item);
            if (!resource.ReferencedOnly || IsReferenced(key))
            {
                desired[key] = item;
            }
        }

        var local = await store.ListUpstreamVersionsAsync(resource.LocalPrefix, cancellationToken);
        foreach (var (key, item) in desired)
        {
            var itemVersion = item["metadata"]?["resourceVersion"]?.GetValue<string>();
            if (!local.TryGetValue(key, out var stored))
            {
                await SendAsync(resource.Type, MessageOperations.Insert, item, cancellationToken);
            }
            else if (stored != itemVersion)
            {
                await SendAsync(resource.Type, MessageOperations.Update, item, cancellationToken);
            }
        }

        foreach (var key in local.Keys)
        {
            if (!desired.ContainsKey(key))
            {
                var (ns, name) = resource.Type.SplitKey(key);
                var gone = new JsonObject { ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns } };
                await SendAsync(resource.Type, MessageOperations.Delete, gone, cancellationToken);
            }
        }

        Interlocked.Exchange(ref _lastSyncAt, clock.GetUtcNow().ToUnixTimeMilliseconds());
        return version ?? "0";
    }

    // What the cloud sends is a message from its edge controller, handled by the MetaManager like KubeEdge's.
    private async Task SendAsync(ResourceType type, string operation, JsonObject obj, CancellationToken cancellationToken)
    {
        var name = obj["metadata"]?["name"]?.GetValue<string>() ?? "";
        var ns = type.Namespaced ? obj["metadata"]?["namespace"]?.GetValue<string>() ?? "default" : "default";
        var message = Message.Create(Sources.EdgeController, GroupNames.Resource, operation,
            ResourceString.For(ns, type.SingularName, name).ToString(), obj, clock);
        await bus.SendAsync(ModuleNames.MetaManager, message, cancellationToken);
    }

    private static string KeyOf(ResourceType type, JsonObject obj) =>
        type.KeyOf(type.Namespaced ? obj["metadata"]?["namespace"]?.GetValue<string>() ?? "default" : "",
            obj["metadata"]?["name"]?.GetValue<string>() ?? "");

    private bool IsReferenced(string key)
    {
        lock (_refsGate)
        {
            return _referenced.Contains(key);
        }
    }

    private void ReplaceReferences(IEnumerable<(string Key, JsonObject Pod)> pods)
    {
        lock (_refsGate)
        {
            _refsByPod.Clear();
            foreach (var (key, pod) in pods)
            {
                _refsByPod[key] = SyncScope.References(pod, registry.Current).ToArray();
            }

            RecomputeReferences();
        }
    }

    private void UpdateReferences(string podKey, JsonObject? pod)
    {
        lock (_refsGate)
        {
            if (pod is null)
            {
                _refsByPod.Remove(podKey);
            }
            else
            {
                _refsByPod[podKey] = SyncScope.References(pod, registry.Current).ToArray();
            }

            RecomputeReferences();
        }
    }

    // Under _refsGate. A changed set restarts the referenced kinds' watches with a relist.
    private void RecomputeReferences()
    {
        var now = new HashSet<string>(_refsByPod.Values.SelectMany(r => r), StringComparer.Ordinal);
        if (now.SetEquals(_referenced))
        {
            return;
        }

        _referenced = now;
        var previous = _refsChanged;
        _refsChanged = new CancellationTokenSource();
        // Not disposed: a sync loop may be about to link to its token (it holds no timer, so nothing leaks).
        previous.Cancel();
    }

    /// <summary>
    /// An extra resource this server does not serve yet is a custom resource: its definition is fetched from the
    /// cloud and stored like any object the cloud sends, and once the registry serves it, it is synced too.
    /// </summary>
    private async Task EnsureCustomResourcesAsync(CancellationToken cancellationToken)
    {
        var definitions = registry.Current.Find("apiextensions.k8s.io", "v1", "customresourcedefinitions")!;
        foreach (var gvr in _options.ExtraResources)
        {
            var parts = gvr.Split('/');
            var group = parts[0] is "core" ? "" : parts[0];
            if (group.Length == 0 || registry.Current.Find(group, parts[1], parts[2]) is not null)
            {
                continue;
            }

            var (code, crd) = await upstream.SendAsync(HttpMethod.Get, Upstream.PathOf(definitions, null, $"{parts[2]}.{group}"),
                cancellationToken: cancellationToken);
            if (code != HttpStatusCode.OK || crd is null)
            {
                continue; // ResolveExtra logs it as not served
            }

            await SendAsync(definitions, MessageOperations.Insert, crd, cancellationToken);
            var deadline = clock.GetUtcNow() + TimeSpan.FromSeconds(_options.RequestTimeoutSeconds);
            while (registry.Current.Find(group, parts[1], parts[2]) is null && clock.GetUtcNow() < deadline)
            {
                await Task.Delay(20, cancellationToken);
            }
        }
    }

    private ResourceType? ResolveExtra(string gvr)
    {
        var parts = gvr.Split('/');
        var group = parts[0] is "core" ? "" : parts[0];
        var type = registry.Current.Find(group, parts[1], parts[2]);
        if (type is null)
        {
            Log.UnknownExtra(logger, gvr);
        }

        return type;
    }

    private static DateTimeOffset? At(long milliseconds) => milliseconds == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);

    private static partial class Log
    {
        [LoggerMessage(EventId = 500, Level = LogLevel.Information, Message = "Cloud link {State} {Upstream}")]
        public static partial void State(ILogger logger, string state, Uri upstream);

        [LoggerMessage(EventId = 501, Level = LogLevel.Warning, Message = "Cloud link to {Upstream} failed: {Error}")]
        public static partial void LinkFailed(ILogger logger, Uri upstream, string error);

        [LoggerMessage(EventId = 502, Level = LogLevel.Warning, Message = "CloudLink:ExtraResources names {Resource}, which this server does not serve (yet); skipped")]
        public static partial void UnknownExtra(ILogger logger, string resource);

        [LoggerMessage(EventId = 503, Level = LogLevel.Warning, Message = "Message {MessageId} for the cloud ({Operation} {Resource}) failed: {Error}")]
        public static partial void MessageFailed(ILogger logger, string messageId, string? operation, string? resource, string error);

        [LoggerMessage(EventId = 504, Level = LogLevel.Warning, Message = "Outbox entry {Key} could not be replayed: {Error}")]
        public static partial void ReplayFailed(ILogger logger, string key, string error);

        [LoggerMessage(EventId = 505, Level = LogLevel.Information, Message = "Replayed {Count} outbox entries to the cloud")]
        public static partial void Replayed(ILogger logger, int count);
    }
}
