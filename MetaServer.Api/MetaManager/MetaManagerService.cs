using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using MetaServer.Api.Bus;
using MetaServer.Api.CustomResources;
using MetaServer.Data;
using MetaServer.Domain.Kubernetes;
using MetaServer.Domain.Messages;
using Microsoft.Extensions.Options;
using MessageOperations = MetaServer.Domain.Messages.Operations;

namespace MetaServer.Api.MetaManager;

/// <summary>
/// The MetaManager: module <c>metamanager</c> of group <c>meta</c> on the bus. It carries out
/// <see cref="Routing.Decide"/> for every message it receives — stores, forwards, answers — in two stages so that
/// many messages share one durable commit while every answer still goes out in arrival order:
/// <list type="number">
/// <item>intake: decide, check the content, and queue the store change on the one <see cref="StoreWriter"/>
/// (without waiting for the commit);</item>
/// <item>answering: in arrival order, wait for each message's commit, then forward it and answer its sender
/// (OK, or an error; a local query is read here, so it sees every write that came before it).</item>
/// </list>
/// Each store change is written with a receipt of the message id and its answer in the same transaction: a message
/// the cloud resends is answered again with that answer and never applied twice, across restarts too. Requests to
/// the cloud and to the agent (remote queries, volume operations) wait for their answer off the ordered path, as
/// KubeEdge runs them in their own goroutines.
/// </summary>
internal sealed partial class MetaManagerService(
    MessageBus bus,
    StoreWriter writer,
    SqliteStore store,
    ResourceRegistry registry,
    CloudState cloud,
    MessageLedger ledger,
    IOptions<MetaManagerOptions> options,
    TimeProvider clock,
    ILogger<MetaManagerService> logger) : BackgroundService
{
    private readonly MetaManagerOptions _options = options.Value;
    private readonly Channel<InFlight> _inFlight = Channel.CreateBounded<InFlight>(new BoundedChannelOptions(options.Value.MaxInFlight)
    {
        SingleReader = true,
        SingleWriter = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private Mailbox? _mailbox;
    private long _processed;
    private long _refused;
    private long _duplicates;
    private long _undelivered;

    /// <summary>Messages handled, answered with an error, recognised as resent, and answers or forwards nobody took.</summary>
    public (long Processed, long Refused, long Duplicates, long Undelivered) Counters =>
        (Interlocked.Read(ref _processed), Interlocked.Read(ref _refused), Interlocked.Read(ref _duplicates), Interlocked.Read(ref _undelivered));

    /// <summary>Messages waiting in the MetaManager's inbox plus those decided and waiting for their commit and answer.</summary>
    public int QueueDepth => (_mailbox is { Inbox.CanCount: true } mailbox ? mailbox.Inbox.Count : 0) + _inFlight.Reader.Count;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _mailbox = bus.Register(ModuleNames.MetaManager, GroupNames.Meta);
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Closing the bus completes the inbox: what is queued is still processed, then the loop ends.
        bus.Close();
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var answering = Task.Run(AnswerInOrderAsync, CancellationToken.None);
        var timers = Task.Run(() => RunTimersAsync(stoppingToken), CancellationToken.None);
        try
        {
            await foreach (var message in _mailbox!.Inbox.ReadAllAsync(CancellationToken.None))
            {
                InFlight? step;
                try
                {
                    step = await AcceptAsync(message);
                }
                catch (Exception ex)
                {
                    Log.IntakeFailed(logger, message.Header.Id, ex);
                    step = new InFlight(message, Routing.Decide(message, cloud.Connected), Task.FromResult<Outcome>(new Outcome.Refused("internal error: " + ex.Message)));
                }

                if (step is not null)
                {
                    await _inFlight.Writer.WriteAsync(step, CancellationToken.None);
                }
            }
        }
        finally
        {
            _inFlight.Writer.TryComplete();
            await answering;
            await timers;
        }
    }

    // Stage 1: decide, and queue what is to be stored.
    private async ValueTask<InFlight?> AcceptAsync(Message message)
    {
        var decision = Routing.Decide(message, cloud.Connected);
        switch (decision.Kind)
        {
            case RoutingKind.Apply when decision.Store == StoreChange.None:
            case RoutingKind.Refuse:
            case RoutingKind.QueryStoreByKey:
            case RoutingKind.QueryStoreByType:
                return new InFlight(message, decision, null);

            case RoutingKind.Apply:
                if (decision.Store == StoreChange.Upsert && message.ContentIsOk())
                {
                    // An acknowledgement nobody waited for: nothing to store, only to pass on.
                    return new InFlight(message, decision, null);
                }

                var command = CommandFor(message, decision, out var error);
                if (command is null)
                {
                    return new InFlight(message, decision, Task.FromResult<Outcome>(new Outcome.Refused(error!)));
                }

                return new InFlight(message, decision, await writer.QueueAsync(command, rerunnable: true));

            case RoutingKind.Remote:
                _ = Task.Run(() => AskCloudAsync(message, decision));
                return null;

            case RoutingKind.AskAgent:
                _ = Task.Run(() => AskAgentAsync(message, decision));
                return null;

            case RoutingKind.RecordConnection:
                if (cloud.Set(decision.Connected!.Value))
                {
                    Log.Connection(logger, decision.Connected.Value ? "connected" : "disconnected");
                }

                Interlocked.Increment(ref _processed);
                ledger.Record(message, "processed");
                return null;

            case RoutingKind.ReportPodStatuses:
                _ = Task.Run(() => ReportPodStatusesAsync(CancellationToken.None));
                return null;

            default:
                Log.Discarded(logger, message.Header.Id, decision.ErrorText);
                return null;
        }
    }

    // Stage 2: in arrival order, wait for the commit, then forward and answer.
    private async Task AnswerInOrderAsync()
    {
        await foreach (var step in _inFlight.Reader.ReadAllAsync())
        {
            try
            {
                await FinishAsync(step);
            }
            catch (Exception ex)
            {
                Log.AnswerFailed(logger, step.Message.Header.Id, ex);
            }
        }
    }

    private async Task FinishAsync(InFlight step)
    {
        var (message, decision) = (step.Message, step.Decision);
        switch (decision.Kind)
        {
            case RoutingKind.Refuse:
                Refuse(message, decision, decision.ErrorText ?? "refused");
                return;

            case RoutingKind.QueryStoreByKey or RoutingKind.QueryStoreByType:
                await AnswerQueryAsync(message, decision);
                return;
        }

        Outcome outcome;
        try
        {
            outcome = step.Work is null ? new Outcome.Applied(AnswerFor(message, decision.Reply)) : await step.Work;
        }
        catch (CommandRejectedException rejected)
        {
            outcome = new Outcome.Refused(rejected.Status.Message);
        }
        catch (Exception ex)
        {
            outcome = new Outcome.Refused("the message could not be stored: " + ex.Message);
        }

        switch (outcome)
        {
            case Outcome.Duplicate duplicate:
                Interlocked.Increment(ref _duplicates);
                ledger.Record(message, "resent");
                Log.Resent(logger, message.Header.Id);
                if (duplicate.Answer is not null)
                {
                    Deliver(ReplyTarget(decision.Reply), duplicate.Answer);
                }

                return;

            case Outcome.Refused refused:
                Refuse(message, decision, refused.Error);
                return;

            case Outcome.Applied applied:
                Interlocked.Increment(ref _processed);
                ledger.Record(message, "processed");
                Forward(message, decision.Forward);
                if (applied.Answer is not null)
                {
                    Deliver(ReplyTarget(decision.Reply), applied.Answer);
                }

                if (decision.Reply == Reply.ErrorToSender && decision.ErrorText is not null)
                {
                    // Stored, but with something to say (an update from a source nobody routes).
                    Deliver(ErrorTarget(decision.ErrorsTo), message.Error(decision.ErrorText, clock: clock));
                }

                return;
        }
    }

    /// <summary>The store change of an <see cref="RoutingKind.Apply"/>, as a command for the writer; null (and why) if the content is unusable.</summary>
    private Func<IWriteTransaction, Outcome>? CommandFor(Message message, RoutingDecision decision, out string? error)
    {
        error = null;
        var resource = decision.Resource!.Value;
        if (resource.IsList)
        {
            error = $"cannot {message.Route.Operation} \"{resource}\": it names a list, not one object";
            return null;
        }

        var kind = MessageResources.KindOf(registry.Current, resource.ResourceType);
        var id = message.Header.Id;
        var answer = AnswerFor(message, decision.Reply);
        var receipt = answer is null ? "" : Encoding.UTF8.GetString(MessageJson.ToUtf8Bytes(answer));
        Action<IWriteTransaction> change;
        switch (decision.Store)
        {
            case StoreChange.Upsert when kind is not null:
                {
                    // Prepared here, on the intake, so the writer thread only splices the revision in.
                    if (!TryPrepareAsSent(message, kind, resource, out var prepared, out var upstream))
                    {
                        var obj = ObjectContent(message, kind, resource, out upstream, out error);
                        if (obj is null)
                        {
                            return null;
                        }

                        prepared = PreparedObject.From(obj, kind);
                    }

                    var write = ObjectWrite.Put(kind, kind.Namespaced ? resource.Namespace : "", resource.Name!, prepared, upstream);
                    change = tx => Require(tx.Write(write));
                    break;
                }

            case StoreChange.Upsert:
                {
                    if (message.Content is null)
                    {
                        error = $"{message.Route.Operation} of \"{resource}\" has no content to store";
                        return null;
                    }

                    var value = Encoding.UTF8.GetString(message.ContentBytes());
                    change = tx => tx.PutMeta(resource.ToString(), resource.ResourceType, value);
                    break;
                }

            case StoreChange.Delete when kind is not null:
                {
                    var write = new ObjectWrite(kind, kind.Namespaced ? resource.Namespace : "", resource.Name!, current =>
                        current is null ? Mutation.Refuse(KubeStatus.NotFound(kind.Group, kind.Resource, resource.Name!)) : Mutation.Remove);
                    // Deleting what is already gone is done, as KubeEdge's row delete is.
                    change = tx => tx.Write(write);
                    break;
                }

            case StoreChange.Delete:
                change = tx => tx.DeleteMeta(resource.ToString());
                break;

            case StoreChange.DeletePodIfUidMatches:
                {
                    var pods = kind ?? ResourceCatalog.BuiltIn.Find("", "v1", "pods")!;
                    var uid = decision.PodUid;
                    var write = new ObjectWrite(pods, resource.Namespace, resource.Name!, current =>
                        current is null || (uid is not null && StoredUid(current) != uid)
                            ? Mutation.Refuse(KubeStatus.NotFound(pods.Group, pods.Resource, resource.Name!))
                            : Mutation.Remove);
                    var patchKey = resource.WithResourceType(ResourceTypes.PodPatch).ToString();
                    change = tx =>
                    {
                        // A stale delete (another UID) spares the pod re-created under the name, and its patch.
                        if (tx.Write(write) is WriteResult.Committed)
                        {
                            tx.DeleteMeta(patchKey);
                        }
                    };
                    break;
                }

            default:
                error = $"store change {decision.Store} is not supported";
                return null;
        }

        return tx =>
        {
            if (id.Length > 0 && tx.ClaimReceipt(id, receipt) is { } prior)
            {
                return new Outcome.Duplicate(prior.Length == 0 ? null : ReadReceipt(prior));
            }

            change(tx);
            return new Outcome.Applied(answer);
        };
    }

    private static void Require(WriteResult result)
    {
        if (result is WriteResult.Rejected rejected)
        {
            throw new CommandRejectedException(rejected.Status);
        }
    }

    private static Message? ReadReceipt(string json) =>
        MessageJson.TryRead(Encoding.UTF8.GetBytes(json), out var message, out _) ? message : null;

    private static string? StoredUid(StoredObject stored)
    {
        using var document = JsonDocument.Parse(stored.Value);
        return document.RootElement.TryGetProperty("metadata", out var metadata)
            && metadata.ValueKind == JsonValueKind.Object
            && metadata.TryGetProperty("uid", out var uid)
            && uid.ValueKind == JsonValueKind.String
                ? uid.GetString()
                : null;
    }

    /// <summary>
    /// The object in a message, checked against its resource string and ready to store: a copy (the message may be
    /// forwarded as it came), with apiVersion, kind, name and namespace filled in where missing, and the cloud's
    /// resourceVersion moved aside (kept as the upstream version; the store stamps its own revision).
    /// </summary>
    private static JsonObject? ObjectContent(Message message, ResourceType kind, ResourceString resource, out string? upstream, out string? error)
    {
        upstream = null;
        error = null;
        JsonNode? content;
        try
        {
            content = message.ContentText() is { } text ? JsonNode.Parse(text) : message.Content?.DeepClone();
        }
        catch (JsonException)
        {
            content = null;
        }

        if (content is not JsonObject obj)
        {
            error = $"the content of \"{resource}\" is not a {kind.Kind} object";
            return null;
        }

        if (obj["apiVersion"] is null)
        {
            obj["apiVersion"] = kind.ApiVersion;
        }
        else if (obj["apiVersion"]!.GetValueKind() != JsonValueKind.String || (string)obj["apiVersion"]! != kind.ApiVersion)
        {
            error = $"the content of \"{resource}\" has apiVersion {obj["apiVersion"]!.ToJsonString()}, expected \"{kind.ApiVersion}\"";
            return null;
        }

        if (obj["kind"] is null)
        {
            obj["kind"] = kind.Kind;
        }
        else if (obj["kind"]!.GetValueKind() != JsonValueKind.String || (string)obj["kind"]! != kind.Kind)
        {
            error = $"the content of \"{resource}\" has kind {obj["kind"]!.ToJsonString()}, expected \"{kind.Kind}\"";
            return null;
        }

        if (obj["metadata"] is null)
        {
            obj["metadata"] = new JsonObject();
        }

        if (obj["metadata"] is not JsonObject metadata)
        {
            error = $"the content of \"{resource}\" has a metadata that is not an object";
            return null;
        }

        if (!Matches(metadata, "name", resource.Name!, out error)
            || (kind.Namespaced && !Matches(metadata, "namespace", resource.Namespace, out error)))
        {
            error = $"the content of \"{resource}\" {error}";
            return null;
        }

        if (!kind.Namespaced)
        {
            metadata.Remove("namespace");
        }

        if (metadata["resourceVersion"] is JsonValue version && version.GetValueKind() == JsonValueKind.String)
        {
            upstream = (string)version!;
        }

        metadata.Remove("resourceVersion");
        return obj;
    }

    /// <summary>
    /// The common case, without re-serializing: content that already is the object as it is stored (its apiVersion,
    /// kind, name and namespace those of the resource, one string resourceVersion written compactly) is kept as
    /// the sender's bytes, its resourceVersion value becoming the revision's slot. Anything else is left to
    /// <see cref="ObjectContent"/>, which fills in and checks.
    /// </summary>
    private static bool TryPrepareAsSent(Message message, ResourceType kind, ResourceString resource,
        [NotNullWhen(true)] out PreparedObject? prepared, out string? upstream)
    {
        prepared = null;
        upstream = null;
        if (!message.TryGetReadContent(out var content) || content.ValueKind != JsonValueKind.Object
            || !IsString(content, "apiVersion", kind.ApiVersion) || !IsString(content, "kind", kind.Kind)
            || !content.TryGetProperty("metadata", out var metadata) || metadata.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        // One pass over metadata; a repeated name counts its last value, as a JSON reader takes it.
        JsonElement version = default, name = default, @namespace = default;
        var versions = 0;
        var members = 0;
        foreach (var member in metadata.EnumerateObject())
        {
            members++;
            if (member.NameEquals("resourceVersion"))
            {
                version = member.Value;
                versions++;
            }
            else if (member.NameEquals("name"))
            {
                name = member.Value;
            }
            else if (member.NameEquals("namespace"))
            {
                @namespace = member.Value;
            }
        }

        if (versions > 1 || (versions == 1 && version.ValueKind != JsonValueKind.String) || !Is(name, resource.Name!)
            || (kind.Namespaced ? !Is(@namespace, resource.Namespace) : @namespace.ValueKind != JsonValueKind.Undefined))
        {
            return false;
        }

        var json = JsonMarshal.GetRawUtf8Value(content);
        if (versions == 0)
        {
            // No resourceVersion (a node-side write): the slot goes first in metadata.
            prepared = PreparedObject.FromJsonWithoutVersion(json, Offset(json, JsonMarshal.GetRawUtf8Value(metadata)), members == 0, content, kind);
            return true;
        }

        var value = JsonMarshal.GetRawUtf8Value(version); // with its quotes
        prepared = PreparedObject.FromJson(json, Offset(json, value) + 1, value.Length - 2, content, kind);
        upstream = prepared is null ? null : version.GetString();
        return prepared is not null;
    }

    // Where a part of a document's raw bytes starts within a larger part of the same bytes.
    private static int Offset(ReadOnlySpan<byte> whole, ReadOnlySpan<byte> part) =>
        (int)Unsafe.ByteOffset(ref MemoryMarshal.GetReference(whole), ref MemoryMarshal.GetReference(part));

    private static bool Is(JsonElement value, string expected) => value.ValueKind == JsonValueKind.String && value.ValueEquals(expected);

    private static bool IsString(JsonElement obj, string property, string expected) => obj.TryGetProperty(property, out var value) && Is(value, expected);

    private static bool Matches(JsonObject metadata, string field, string expected, out string? error)
    {
        error = null;
        switch (metadata[field])
        {
            case null:
                metadata[field] = expected;
                return true;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String && (string)value! == expected:
                return true;
            case { } other:
                error = $"has metadata.{field} {other.ToJsonString()}, but the resource names \"{expected}\"";
                return false;
        }
    }

    private async Task AnswerQueryAsync(Message message, RoutingDecision decision)
    {
        var resource = decision.Resource!.Value;
        var kind = MessageResources.KindOf(registry.Current, resource.ResourceType);
        var rows = new JsonArray();
        if (kind is not null && resource.IsList)
        {
            // KubeEdge looks a list up by type alone: every namespace.
            foreach (var value in await store.ListValuesAsync(kind.KeyPrefix(null), CancellationToken.None))
            {
                rows.Add(value);
            }
        }
        else if (kind is not null)
        {
            if (await store.GetAsync(MessageResources.KeyOf(kind, resource), CancellationToken.None) is { } stored)
            {
                rows.Add(Encoding.UTF8.GetString(stored.Value));
            }
        }
        else if (resource.IsList)
        {
            foreach (var (_, value) in await store.ListMetaAsync(resource.ResourceType, CancellationToken.None))
            {
                rows.Add(value);
            }
        }
        else if (await store.GetMetaAsync(resource.ToString(), CancellationToken.None) is { } value)
        {
            rows.Add(value);
        }

        Interlocked.Increment(ref _processed);
        ledger.Record(message, "processed");
        Deliver(ModuleNames.Edged, Answer(message, rows));
    }

    // The cloud is asked under a fresh id (the original stays the agent's); its answer is stored, handed to the
    // agent as the answer to the original, and acknowledged to the cloud.
    private async Task AskCloudAsync(Message message, RoutingDecision decision)
    {
        var request = message with { Header = message.Header with { Id = Guid.NewGuid().ToString() } };
        if (await AskAsync(ModuleNames.EdgeHub, request, message, decision, _options.RemoteQueryTimeoutSeconds, "the cloud") is not { } answer)
        {
            return;
        }

        var remote = RemoteAnswer.Interpret(answer);
        if (remote.Store && ResourceString.TryParse(answer.Route.Resource, out var resource, out _) && !resource.IsList)
        {
            var toStore = answer with { Content = remote.Content };
            var storeDecision = decision with { Kind = RoutingKind.Apply, Store = StoreChange.Upsert, Reply = Reply.None, Resource = resource };
            if (CommandFor(toStore with { Header = toStore.Header with { Id = "" } }, storeDecision, out var error) is { } command)
            {
                try
                {
                    await writer.ExecuteAsync(command);
                }
                catch (Exception ex)
                {
                    Log.RemoteAnswerNotStored(logger, message.Header.Id, ex.Message);
                }
            }
            else
            {
                Log.RemoteAnswerNotStored(logger, message.Header.Id, error!);
            }
        }

        Interlocked.Increment(ref _processed);
        ledger.Record(message, "processed");
        Deliver(ModuleNames.Edged, answer with { Header = answer.Header with { ParentId = message.Header.Id } });
        Deliver(ModuleNames.EdgeHub, Answer(answer, JsonValue.Create(Message.Ok)));
    }

    private async Task AskAgentAsync(Message message, RoutingDecision decision)
    {
        if (await AskAsync(ModuleNames.Edged, message, message, decision, _options.VolumeTimeoutSeconds, "the node agent") is not { } answer)
        {
            return;
        }

        Interlocked.Increment(ref _processed);
        ledger.Record(message, "processed");
        Deliver(ModuleNames.EdgeHub, Answer(message, answer.Content?.DeepClone()));
    }

    /// <summary>Sends <paramref name="request"/> and waits for its answer; null (the sender told why) when none comes.</summary>
    private async Task<Message?> AskAsync(string module, Message request, Message original, RoutingDecision decision, int timeoutSeconds, string party)
    {
        try
        {
            return await bus.SendSyncAsync(module, request, TimeSpan.FromSeconds(timeoutSeconds));
        }
        catch (TimeoutException)
        {
            Refuse(original, decision, $"no answer from {party} within {timeoutSeconds}s");
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
        {
            Refuse(original, decision, $"cannot reach {party}: {ex.Message}");
        }

        return null;
    }

    /// <summary>
    /// Meta sync: the stored status of every pod still stored, one <c>update</c> of <c>{namespace}/podstatus</c>
    /// per namespace, to the cloud. Statuses of pods that are gone are left out.
    /// </summary>
    internal async Task<int> ReportPodStatusesAsync(CancellationToken cancellationToken)
    {
        if (!cloud.Connected)
        {
            return 0;
        }

        var pods = ResourceCatalog.BuiltIn.Find("", "v1", "pods")!;
        var byNamespace = new SortedDictionary<string, JsonArray>(StringComparer.Ordinal);
        foreach (var (key, value) in await store.ListMetaAsync(ResourceTypes.PodStatus, cancellationToken))
        {
            if (!ResourceString.TryParse(key, out var resource, out _) || resource.IsList
                || await store.GetAsync(pods.KeyOf(resource.Namespace, resource.Name!), cancellationToken) is null)
            {
                continue;
            }

            JsonNode? status;
            try
            {
                status = JsonNode.Parse(value);
            }
            catch (JsonException)
            {
                continue;
            }

            if (!byNamespace.TryGetValue(resource.Namespace, out var list))
            {
                byNamespace[resource.Namespace] = list = [];
            }

            list.Add(status);
        }

        foreach (var (ns, statuses) in byNamespace)
        {
            Deliver(ModuleNames.EdgeHub, Message.Create(ModuleNames.MetaManager, GroupNames.Resource, MessageOperations.Update,
                ResourceString.List(ns, ResourceTypes.PodStatus).ToString(), statuses, clock));
        }

        return byNamespace.Count;
    }

    private async Task RunTimersAsync(CancellationToken stoppingToken)
    {
        var retention = TimeSpan.FromMinutes(_options.ReceiptRetentionMinutes);
        var prune = PruneReceiptsAsync(retention, stoppingToken);
        var sync = _options.PodStatusSyncIntervalSeconds > 0
            ? SyncPodStatusesAsync(TimeSpan.FromSeconds(_options.PodStatusSyncIntervalSeconds), stoppingToken)
            : Task.CompletedTask;
        await Task.WhenAll(prune, sync);
    }

    private async Task PruneReceiptsAsync(TimeSpan retention, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(retention / 4, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var pruned = await writer.PruneReceiptsAsync(clock.GetUtcNow() - retention, stoppingToken);
                Log.Pruned(logger, pruned);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            Log.TimerFailed(logger, "receipt pruning", ex);
        }
    }

    private async Task SyncPodStatusesAsync(TimeSpan interval, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await ReportPodStatusesAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The next tick tries again.
                    Log.TimerFailed(logger, "pod status sync", ex);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Refuse(Message message, RoutingDecision decision, string error)
    {
        Interlocked.Increment(ref _refused);
        ledger.Record(message, "refused");
        Log.Refused(logger, message.Header.Id, message.Route.Operation, message.Route.Resource, message.Route.Source, error);
        Deliver(ErrorTarget(decision.ErrorsTo), message.Error(error, clock: clock));
    }

    private void Forward(Message message, MessageTargets targets)
    {
        if (targets.HasFlag(MessageTargets.Agent))
        {
            Deliver(ModuleNames.Edged, message);
        }

        if (targets.HasFlag(MessageTargets.Cloud))
        {
            Deliver(ModuleNames.EdgeHub, message);
        }

        if (targets.HasFlag(MessageTargets.Twin))
        {
            Deliver(ModuleNames.DeviceTwin, message with { Route = message.Route with { Source = "meta", Group = GroupNames.Twin } });
        }
    }

    /// <summary>
    /// Hands a message on without waiting: a module that is not running (no cloud link in standalone, no agent
    /// connected) or that stopped reading must not stall every other message. What is not taken is counted and
    /// logged; the store keeps the state, which the agent and the cloud read back when they return.
    /// </summary>
    private void Deliver(string? module, Message message)
    {
        if (module is null)
        {
            return;
        }

        switch (bus.TrySend(module, message))
        {
            case Delivery.Delivered:
                return;
            case Delivery.NoModule:
                Interlocked.Increment(ref _undelivered);
                Log.NoReceiver(logger, message.Header.Id, module);
                return;
            default:
                Interlocked.Increment(ref _undelivered);
                Log.ReceiverFull(logger, message.Header.Id, module);
                return;
        }
    }

    private Message? AnswerFor(Message message, Reply reply) =>
        reply is Reply.OkToCloud or Reply.OkToAgent ? Answer(message, JsonValue.Create(Message.Ok)) : null;

    // KubeEdge's answers name the MetaManager as their source.
    private Message Answer(Message request, JsonNode? content)
    {
        var answer = request.Response(content, clock);
        return answer with { Route = answer.Route with { Source = ModuleNames.MetaManager } };
    }

    private static string? ReplyTarget(Reply reply) => reply switch
    {
        Reply.OkToCloud or Reply.AgentAnswerToCloud => ModuleNames.EdgeHub,
        Reply.OkToAgent or Reply.StoredRowsToAgent or Reply.CloudAnswerToAgent => ModuleNames.Edged,
        _ => null,
    };

    private static string? ErrorTarget(MessageTargets target) => target switch
    {
        MessageTargets.Agent => ModuleNames.Edged,
        MessageTargets.Cloud => ModuleNames.EdgeHub,
        _ => null,
    };

    private sealed record InFlight(Message Message, RoutingDecision Decision, Task<Outcome>? Work);

    private abstract record Outcome
    {
        private Outcome()
        {
        }

        public sealed record Applied(Message? Answer) : Outcome;

        /// <summary>Already processed (a resend): answered again with what it got then.</summary>
        public sealed record Duplicate(Message? Answer) : Outcome;

        public sealed record Refused(string Error) : Outcome;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 400, Level = LogLevel.Warning, Message = "Message {MessageId} ({Operation} {Resource} from {Source}) refused: {Error}")]
        public static partial void Refused(ILogger logger, string messageId, string? operation, string? resource, string? source, string error);

        [LoggerMessage(EventId = 401, Level = LogLevel.Information, Message = "Message {MessageId} was processed before; answered again, not applied twice")]
        public static partial void Resent(ILogger logger, string messageId);

        [LoggerMessage(EventId = 402, Level = LogLevel.Debug, Message = "Message {MessageId} for {Module}: no such module is running")]
        public static partial void NoReceiver(ILogger logger, string messageId, string module);

        [LoggerMessage(EventId = 403, Level = LogLevel.Warning, Message = "Message {MessageId} for {Module} dropped: its queue is full (it is not reading)")]
        public static partial void ReceiverFull(ILogger logger, string messageId, string module);

        [LoggerMessage(EventId = 404, Level = LogLevel.Information, Message = "Cloud link is now {State}")]
        public static partial void Connection(ILogger logger, string state);

        [LoggerMessage(EventId = 405, Level = LogLevel.Warning, Message = "Message {MessageId} discarded: {Reason}")]
        public static partial void Discarded(ILogger logger, string messageId, string? reason);

        [LoggerMessage(EventId = 406, Level = LogLevel.Error, Message = "Message {MessageId} could not be taken in")]
        public static partial void IntakeFailed(ILogger logger, string messageId, Exception exception);

        [LoggerMessage(EventId = 407, Level = LogLevel.Error, Message = "Message {MessageId} could not be answered")]
        public static partial void AnswerFailed(ILogger logger, string messageId, Exception exception);

        [LoggerMessage(EventId = 408, Level = LogLevel.Warning, Message = "The cloud's answer to {MessageId} was not stored: {Error}")]
        public static partial void RemoteAnswerNotStored(ILogger logger, string messageId, string error);

        [LoggerMessage(EventId = 409, Level = LogLevel.Debug, Message = "Pruned {Count} message receipts")]
        public static partial void Pruned(ILogger logger, int count);

        [LoggerMessage(EventId = 410, Level = LogLevel.Error, Message = "The {Timer} timer failed")]
        public static partial void TimerFailed(ILogger logger, string timer, Exception exception);
    }
}
