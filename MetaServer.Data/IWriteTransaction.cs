namespace MetaServer.Data;

/// <summary>
/// What a command sees inside the writer's transaction (<see cref="StoreWriter.ExecuteAsync{T}"/>): reads that see
/// every earlier write of the batch, and writes that commit together or not at all. A command that throws leaves
/// nothing behind: the writer rolls it back to the savepoint it started at, and the rest of the batch commits.
/// </summary>
public interface IWriteTransaction
{
    /// <summary>The object stored under a key, as earlier writes of this transaction left it.</summary>
    StoredObject? Read(string key);

    /// <summary>Decides and applies one object write; a refusal changes nothing and is returned, not thrown.</summary>
    WriteResult Write(ObjectWrite write);

    /// <summary>The value of a row of KubeEdge's <c>meta</c> table (types that are not Kubernetes objects).</summary>
    string? ReadMeta(string key);

    void PutMeta(string key, string type, string value);

    /// <summary>Removes a <c>meta</c> row; false if there was none.</summary>
    bool DeleteMeta(string key);

    /// <summary>
    /// Records that a message is processed in this commit, with the answer it gets, and returns null; or, for a message
    /// processed before, records nothing and returns the answer recorded then. Whatever the unit writes after a
    /// null is committed with the receipt, or rolled back with it.
    /// </summary>
    string? ClaimReceipt(string messageId, string answer);

    /// <summary>Queues a node-owned write for the cloud (the <c>outbox</c>), committed with the local write.</summary>
    void AddToOutbox(ObjectWrite write);

    /// <summary>Removes the outbox entries of a key up to and including <paramref name="upToId"/> (replayed).</summary>
    void RemoveFromOutbox(string key, long upToId);
}
