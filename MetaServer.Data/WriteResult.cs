using MetaServer.Domain.Kubernetes;

namespace MetaServer.Data;

/// <summary>How a write ended: committed at a revision, a no-op, or refused.</summary>
public abstract record WriteResult
{
    private WriteResult()
    {
    }

    /// <summary>Committed; <see cref="Object"/> carries the new revision (for a delete: the object as deleted).</summary>
    public sealed record Committed(StoredObject Object, ChangeType Type) : WriteResult;

    /// <summary>The write changed nothing; the stored object is answered as it is.</summary>
    public sealed record Unchanged(StoredObject Object) : WriteResult;

    public sealed record Rejected(KubeStatus Status) : WriteResult;

    /// <summary>A dry run: what the write would have stored (or deleted); nothing was.</summary>
    public sealed record WouldCommit(StoredObject Object, ChangeType Type) : WriteResult;
}
