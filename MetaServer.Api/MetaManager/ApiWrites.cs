using MetaServer.Api.Kubernetes;
using MetaServer.Data;
using MetaServer.Domain.Kubernetes;

namespace MetaServer.Api.MetaManager;

/// <summary>
/// How the Kubernetes API's writes (source: the MetaServer) enter the MetaManager's write path: into the one
/// <see cref="StoreWriter"/> queue the MetaManager's messages go through, so they share its ordering and group
/// commit and are acknowledged only once durable.
/// </summary>
/// <remarks>
/// They travel as in-process commands rather than serialized beehive messages: an API write is decided against
/// the stored object inside the transaction (optimistic concurrency, preconditions, patches), which a message's
/// JSON content cannot carry without moving the API's rules into the MetaManager. In edge mode this is also where
/// a write is sent to the cloud instead of being applied locally.
/// </remarks>
internal sealed class ApiWrites(StoreWriter writer)
{
    public Task<WriteResult> WriteAsync(ObjectWrite write, CancellationToken cancellationToken = default) =>
        writer.WriteAsync(write, cancellationToken);

    public Task<WriteResult[]> WriteAllAsync(IReadOnlyList<ObjectWrite> writes, CancellationToken cancellationToken = default) =>
        writer.WriteAllAsync(writes, cancellationToken);

    /// <summary>
    /// A create in a namespace, refused with 404 if the namespace does not exist — checked in the same transaction,
    /// so a create racing the namespace's deletion cannot land after the namespace's objects were removed.
    /// </summary>
    public Task<WriteResult> CreateInNamespaceAsync(ObjectWrite write, CancellationToken cancellationToken = default)
    {
        var namespaceKey = BuiltInKeys.Namespace(write.Namespace);
        return writer.ExecuteAsync(tx => tx.Read(namespaceKey) is null
            ? new WriteResult.Rejected(KubeStatus.NotFound("", "namespaces", write.Namespace))
            : tx.Write(write), cancellationToken);
    }
}
