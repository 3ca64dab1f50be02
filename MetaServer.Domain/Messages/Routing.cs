using System.Text.Json;
using System.Text.Json.Nodes;

namespace MetaServer.Domain.Messages;

/// <summary>
/// The MetaManager's rules as a pure function, after KubeEdge v1.15.1 (<c>edge/pkg/metamanager/process.go</c>):
/// given a message and whether the cloud is connected, what to store, where to send it and what to answer.
/// </summary>
/// <remarks>
/// <para>Where KubeEdge only logs and drops a message (an operation it does not know, an update from a source it does
/// not know) the sender is answered with an error, so that nothing is lost without a trace. A resource string that
/// does not parse is refused, where KubeEdge would store it under an empty type.</para>
/// <para>v1.15.1 no longer handles <c>connect</c> (the hub sets a shared flag instead) nor meta sync (dropped after
/// v1.11); both are kept here, as the MetaManager owns the link state and the status report.</para>
/// <para>Two things KubeEdge does beside these rules are left to the caller: it keys a <c>serviceaccounttoken</c> row
/// by the token request (name, namespace, audiences, expiry, bound object) rather than the resource string, and it
/// feeds every insert, update and delete (except status types and the agent's leases) to the MetaServer's watch
/// store before routing, even one it then refuses.</para>
/// </remarks>
public static class Routing
{
    /// <summary>How long a remote request waits for the cloud (KubeEdge's default <c>remoteQueryTimeout</c>).</summary>
    public static readonly TimeSpan RemoteTimeout = TimeSpan.FromSeconds(60);

    /// <summary>How long a volume operation waits for the agent.</summary>
    public static readonly TimeSpan VolumeTimeout = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Whether a query for the type is asked of the cloud while connected. These are the objects the agent must see
    /// current (credentials, volumes, its node and lease); the rest are pushed by the cloud and read locally.
    /// </summary>
    public static bool IsRemoteQueried(string resourceType) =>
        resourceType is ResourceTypes.ConfigMap
            or ResourceTypes.Secret
            or ResourceTypes.PersistentVolume
            or ResourceTypes.PersistentVolumeClaim
            or ResourceTypes.VolumeAttachment
            or ResourceTypes.Node
            or ResourceTypes.ServiceAccountToken
            or ResourceTypes.Lease;

    /// <summary>Who gets the error answer to a message: the agent for its own messages, the cloud otherwise.</summary>
    public static MessageTargets ErrorRecipient(Message message) =>
        message.Route.Source == ModuleNames.Edged ? MessageTargets.Agent : MessageTargets.Cloud;

    /// <summary>What to do with one message, given whether the cloud link is up; the caller carries it out.</summary>
    public static RoutingDecision Decide(Message message, bool cloudConnected)
    {
        var operation = message.Route.Operation;
        switch (operation)
        {
            case Operations.Connect:
                return Connection(message);
            case Operations.MetaSync:
                // A timer's tick: a failed report is logged and the next tick tries again.
                return new RoutingDecision
                {
                    Kind = RoutingKind.ReportPodStatuses,
                    Forward = MessageTargets.Cloud,
                    ErrorsTo = MessageTargets.None,
                };
            case Operations.CreateVolume or Operations.DeleteVolume
                or Operations.ControllerPublishVolume or Operations.ControllerUnpublishVolume:
                return new RoutingDecision
                {
                    Kind = RoutingKind.AskAgent,
                    Forward = MessageTargets.Agent,
                    Reply = Reply.AgentAnswerToCloud,
                    ErrorsTo = ErrorRecipient(message),
                };
            case Operations.Insert or Operations.Update or Operations.Patch
                or Operations.Delete or Operations.Query or Operations.Response:
                if (!ResourceString.TryParse(message.Route.Resource, out var resource, out var error))
                    return Refuse(message, error);
                return operation switch
                {
                    Operations.Insert => Insert(message, resource, cloudConnected),
                    Operations.Update => Update(message, resource, cloudConnected),
                    Operations.Patch => Patch(message, resource),
                    Operations.Delete => Delete(message, resource),
                    Operations.Query => Query(message, resource, cloudConnected),
                    _ => Response(message, resource),
                };
            case null:
                return Refuse(message, "message has no operation");
            default:
                return Refuse(message, $"unsupported operation \"{operation}\"");
        }
    }

    private static RoutingDecision Insert(Message message, ResourceString resource, bool cloudConnected)
    {
        // What the agent creates, the cloud creates; the object in the cloud's answer is what gets stored.
        if (message.Route.Source == ModuleNames.Edged)
            return RemoteOrRefuse(message, resource, cloudConnected);
        return message.Route.Source switch
        {
            Sources.DeviceController => Apply(message, resource, StoreChange.Upsert, MessageTargets.Twin, Reply.OkToCloud),
            // Policies concern the MetaServer's authorization, which reads the store; the agent has no use for them.
            Sources.PolicyController => Apply(message, resource, StoreChange.Upsert, MessageTargets.None, Reply.OkToCloud),
            _ => Apply(message, resource, StoreChange.Upsert, MessageTargets.Agent, Reply.OkToCloud),
        };
    }

    private static RoutingDecision Update(Message message, ResourceString resource, bool cloudConnected)
    {
        var source = message.Route.Source;
        // A lease renewal is only worth something if the cloud sees it; a stale local copy would hide a dead link.
        if (source == ModuleNames.Edged && resource.ResourceType == ResourceTypes.Lease)
            return RemoteOrRefuse(message, resource, cloudConnected);
        return source switch
        {
            // Status updates: stored so reads see them, sent on, and the agent is not kept waiting for the cloud.
            ModuleNames.Edged => Apply(message, resource, StoreChange.Upsert, MessageTargets.Cloud, Reply.OkToAgent),
            Sources.EdgeController or Sources.DynamicController =>
                Apply(message, resource, StoreChange.Upsert, MessageTargets.Agent, Reply.OkToCloud) with { AgentDeliveryFollowsSync = true },
            Sources.DeviceController => Apply(message, resource, StoreChange.Upsert, MessageTargets.Twin, Reply.OkToCloud),
            Sources.PolicyController => Apply(message, resource, StoreChange.Upsert, MessageTargets.None, Reply.OkToCloud),
            // KubeEdge stores it and then only logs the unknown source; telling the sender keeps that visible.
            _ => Apply(message, resource, StoreChange.Upsert, MessageTargets.None, Reply.ErrorToSender) with
            {
                ErrorText = $"updates from source \"{source}\" are stored but not routed",
            },
        };
    }

    // The cloud's answer goes straight back to a synchronous sender through the cloud link, so none is sent here.
    private static RoutingDecision Patch(Message message, ResourceString resource) =>
        Apply(message, resource, StoreChange.Upsert, MessageTargets.Cloud, Reply.None);

    private static RoutingDecision Delete(Message message, ResourceString resource)
    {
        var source = message.Route.Source;
        var isPod = resource.ResourceType == ResourceTypes.Pod;
        // The agent asks the cloud to delete a pod; the row goes when the cloud's own delete comes back.
        if (isPod && source == ModuleNames.Edged)
            return Apply(message, resource, StoreChange.None, MessageTargets.Cloud, Reply.None);

        var forward = source switch
        {
            // Not an either-or as for insert: the agent is told too.
            Sources.DeviceController => MessageTargets.Twin | MessageTargets.Agent,
            Sources.PolicyController => MessageTargets.None,
            _ => MessageTargets.Agent,
        };
        if (!isPod)
            return Apply(message, resource, StoreChange.Delete, forward, Reply.OkToCloud);
        if (!TryReadPodUid(message, out var uid, out var error))
            return Refuse(message, $"cannot delete pod {resource}: {error}") with { Resource = resource };
        return Apply(message, resource, StoreChange.DeletePodIfUidMatches, forward, Reply.OkToCloud) with { PodUid = uid };
    }

    private static RoutingDecision Query(Message message, ResourceString resource, bool cloudConnected)
    {
        if (cloudConnected && IsRemoteQueried(resource.ResourceType))
            return Remote(message, resource);
        return new RoutingDecision
        {
            Kind = resource.IsList ? RoutingKind.QueryStoreByType : RoutingKind.QueryStoreByKey,
            Reply = Reply.StoredRowsToAgent,
            ErrorsTo = ErrorRecipient(message),
            Resource = resource,
        };
    }

    // Answers from the edge controller are for the agent (replies to its non-blocking requests); anything else
    // answered at the edge is the cloud's business.
    private static RoutingDecision Response(Message message, ResourceString resource) =>
        message.Route.Source == Sources.EdgeController
            ? Apply(message, resource, StoreChange.Upsert, MessageTargets.Agent, Reply.None) with { AgentDeliveryFollowsSync = true }
            : Apply(message, resource, StoreChange.Upsert, MessageTargets.Cloud, Reply.None);

    private static RoutingDecision Connection(Message message) =>
        NodeConnection.TryRead(message, out var connected)
            ? new RoutingDecision { Kind = RoutingKind.RecordConnection, Connected = connected, ErrorsTo = MessageTargets.None }
            : new RoutingDecision
            {
                Kind = RoutingKind.Discard,
                ErrorsTo = MessageTargets.None,
                ErrorText = $"connection broadcast with unknown state: {message.Content?.ToJsonString(MessageJson.Wire.Options) ?? "null"}",
            };

    private static RoutingDecision RemoteOrRefuse(Message message, ResourceString resource, bool cloudConnected) =>
        cloudConnected
            ? Remote(message, resource)
            : Refuse(message, "cannot reach the cloud: not connected") with { Resource = resource };

    private static RoutingDecision Remote(Message message, ResourceString resource) =>
        new()
        {
            Kind = RoutingKind.Remote,
            Forward = MessageTargets.Cloud,
            Reply = Reply.CloudAnswerToAgent,
            ErrorsTo = ErrorRecipient(message),
            Resource = resource,
        };

    private static RoutingDecision Apply(Message message, ResourceString resource, StoreChange store, MessageTargets forward, Reply reply) =>
        new()
        {
            Kind = RoutingKind.Apply,
            Store = store,
            Forward = forward,
            Reply = reply,
            ErrorsTo = ErrorRecipient(message),
            Resource = resource,
        };

    private static RoutingDecision Refuse(Message message, string error) =>
        new()
        {
            Kind = RoutingKind.Refuse,
            Reply = Reply.ErrorToSender,
            ErrorsTo = ErrorRecipient(message),
            ErrorText = error,
        };

    // The content is the pod, as an object or as JSON text. No content, or a pod without a UID, names no UID.
    private static bool TryReadPodUid(Message message, out string? uid, out string? error)
    {
        uid = null;
        error = null;
        var pod = message.Content;
        if (message.ContentText() is { } text)
        {
            try
            {
                pod = JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                error = "the content is not a pod";
                return false;
            }
        }
        if (pod is null)
            return true;
        if (pod is not JsonObject podObject)
        {
            error = "the content is not a pod";
            return false;
        }
        var metadata = podObject["metadata"];
        if (metadata is null)
            return true;
        if (metadata is not JsonObject metadataObject)
        {
            error = "metadata is not an object";
            return false;
        }
        var found = metadataObject["uid"];
        if (found is null)
            return true;
        if (found.GetValueKind() != JsonValueKind.String)
        {
            error = "metadata.uid is not a string";
            return false;
        }
        var uidText = found.GetValue<string>();
        uid = uidText.Length == 0 ? null : uidText;
        return true;
    }
}
