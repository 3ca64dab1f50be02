using MetaServer.Api.CloudLink;
using MetaServer.Api.Kubernetes;
using MetaServer.Data;
using MetaServer.Domain.Kubernetes;

namespace MetaServer.Api.MetaManager;

/// <summary>
/// How the Kubernetes API's writes (source: the MetaServer) enter the MetaManager's write path. Standalone: into
/// the one <see cref="StoreWriter"/> queue the MetaManager's messages go through, so they share its ordering and
/// group commit and are acknowledged only once durable. Edge mode: to the cloud while connected (the cloud's
/// answer is stored and returned); while disconnected, refused with 503 — except the node-owned writes KubeEdge
/// keeps (pod and node status, leases, events), which are applied here and queued in the outbox for the cloud.
/// </summary>
/// <remarks>
/// They travel as in-process commands rather than serialized beehive messages: an API write is decided against
/// the stored object inside the transaction (optimistic concurrency, preconditions, patches), which a message's
/// JSON content cannot carry without moving the API's rules into the MetaManager.
/// </remarks>
internal sealed class ApiWrites(StoreWriter writer, CloudLinkService? cloud)
{
    public async Task<WriteResult> WriteAsync(ObjectWrite write, CancellationToken cancellationToken = default)
    {
        if (cloud is null)
        {
            return await writer.WriteAsync(write, cancellationToken);
        }

        if (cloud.Connected)
        {
            // Decided here first (validation, patches, preconditions against the local copy), then the cloud decides.
            var planned = await writer.WriteAsync(write with { DryRun = true }, cancellationToken);
            return planned is WriteResult.WouldCommit wouldCommit && !write.DryRun
                ? await cloud.ForwardAsync(write, wouldCommit, cancellationToken)
                : planned;
        }

        if (!IsNodeOwned(write))
        {
            return new WriteResult.Rejected(KubeStatus.ServiceUnavailable(
                $"the cloud ({cloud.Address}) is unreachable: {KubeStatus.Qualified(write.Type.Group, write.Type.Resource)} cannot be written " +
                "while the edge is disconnected; reads are served from the local cache"));
        }

        return await writer.ExecuteAsync(tx =>
        {
            var result = tx.Write(write);
            if (result is WriteResult.Committed && !write.DryRun)
            {
                tx.AddToOutbox(write);
            }

            return result;
        }, cancellationToken);
    }

    public async Task<WriteResult[]> WriteAllAsync(IReadOnlyList<ObjectWrite> writes, CancellationToken cancellationToken = default)
    {
        if (cloud is null)
        {
            return await writer.WriteAllAsync(writes, cancellationToken);
        }

        var results = new WriteResult[writes.Count];
        for (var i = 0; i < writes.Count; i++)
        {
            results[i] = await WriteAsync(writes[i], cancellationToken);
        }

        return results;
    }

    /// <summary>
    /// A create in a namespace, refused with 404 if the namespace does not exist — checked in the same transaction,
    /// so a create racing the namespace's deletion cannot land after the namespace's objects were removed.
    /// </summary>
    public Task<WriteResult> CreateInNamespaceAsync(ObjectWrite write, CancellationToken cancellationToken = default)
    {
        if (cloud is not null)
        {
            return WriteAsync(write, cancellationToken);
        }

        var namespaceKey = BuiltInKeys.Namespace(write.Namespace);
        return writer.ExecuteAsync(tx => tx.Read(namespaceKey) is null
            ? new WriteResult.Rejected(KubeStatus.NotFound("", "namespaces", write.Namespace))
            : tx.Write(write), cancellationToken);
    }

    /// <summary>What the node itself owns and KubeEdge keeps writing while offline: pod and node status, leases, events.</summary>
    public static bool IsNodeOwned(ObjectWrite write) =>
        (write.Type.Group, write.Type.Resource, write.Subresource) switch
        {
            ("", "pods" or "nodes", "status") => true,
            ("coordination.k8s.io", "leases", _) => true,
            ("" or "events.k8s.io", "events", _) => true,
            _ => false,
        };
}
