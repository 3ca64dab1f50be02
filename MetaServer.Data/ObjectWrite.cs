using MetaServer.Domain.Kubernetes;

namespace MetaServer.Data;

/// <summary>A write of one object, decided by <see cref="Mutate"/> against the stored state at commit time.</summary>
public sealed record ObjectWrite(ResourceType Type, string Namespace, string Name, Mutator Mutate)
{
    public string Key { get; } = Type.KeyOf(Namespace, Name);

    /// <summary>
    /// A put decided without the stored object (the MetaManager's: the object as the cloud sent it). The writer
    /// then reads of the stored object only its revision, labels and fields, and its bytes only when the put could
    /// leave it unchanged; <see cref="Mutate"/> decides the same.
    /// </summary>
    public static ObjectWrite Put(ResourceType type, string @namespace, string name, PreparedObject prepared, string? upstreamResourceVersion)
    {
        var put = new Mutation.PutPrepared(prepared, upstreamResourceVersion);
        return new ObjectWrite(type, @namespace, name, _ => put) { Prepared = put };
    }

    /// <summary>Set by <see cref="Put"/>: the put, whatever is stored.</summary>
    public Mutation.PutPrepared? Prepared { get; private init; }

    /// <summary>dryRun=All: decided and answered exactly as a real write, but nothing is stored or published.</summary>
    public bool DryRun { get; init; }

    /// <summary>
    /// A client's DELETE: locally it may only set deletionTimestamp (finalizers), but elsewhere (the cloud) it is
    /// a delete, whatever the local decision turns out to be.
    /// </summary>
    public bool Deletes { get; init; }

    /// <summary>The subresource written ("status"), or empty for the object itself; how the write reaches the cloud.</summary>
    public string Subresource { get; init; } = "";
}
