using System.Text.Json.Nodes;
using MetaServer.Domain.Kubernetes;

namespace MetaServer.Data;

/// <summary>
/// What a write decides once it sees the object as currently stored. Deciding inside the writer's
/// transaction makes read-check-write atomic: no other write to the key can come in between.
/// </summary>
public abstract record Mutation
{
    private Mutation()
    {
    }

    /// <summary>Store this object; the writer stamps its resourceVersion.</summary>
    public sealed record Put(JsonObject Object, string? UpstreamResourceVersion = null) : Mutation;

    /// <summary>Store an object serialized beforehand (<see cref="PreparedObject"/>); the writer splices its revision in.</summary>
    public sealed record PutPrepared(PreparedObject Object, string? UpstreamResourceVersion = null) : Mutation;

    /// <summary>Remove the stored object.</summary>
    public sealed record Delete : Mutation;

    /// <summary>Refuse, with the Status the client gets.</summary>
    public sealed record Reject(KubeStatus Status) : Mutation;

    public static Mutation Refuse(KubeStatus status) => new Reject(status);

    public static readonly Mutation Remove = new Delete();
}

/// <summary>Decides a write from the current object (null when the key does not exist).</summary>
public delegate Mutation Mutator(StoredObject? current);
