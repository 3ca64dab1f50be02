namespace MetaServer.Domain.Messages;

/// <summary>What an <see cref="RoutingKind.Apply"/> changes in the store, keyed by the message's resource string.</summary>
public enum StoreChange
{
    None,

    /// <summary>Store the content (<see cref="Message.ContentBytes"/>) under the key, with the resource type.</summary>
    Upsert,

    /// <summary>Remove the row with the key, if any.</summary>
    Delete,

    /// <summary>
    /// Remove the stored pod only if its UID is <see cref="RoutingDecision.PodUid"/> (any UID when that is null), and
    /// when one was removed also its <c>podpatch</c> row. A stale delete thus spares a pod re-created under the same
    /// name; no match is not a failure.
    /// </summary>
    DeletePodIfUidMatches,
}
