namespace MetaServer.Domain.Messages;

/// <summary>
/// What the MetaManager does with one message (<see cref="Routing.Decide"/>): the path, the store change, where the
/// message goes on, and what is answered. The caller carries it out in that order and stops at the first failure,
/// which it answers with an error to <see cref="ErrorsTo"/>.
/// </summary>
public sealed record RoutingDecision
{
    public required RoutingKind Kind { get; init; }

    public StoreChange Store { get; init; }

    public MessageTargets Forward { get; init; }

    /// <summary>
    /// When the message goes to the agent and was sent synchronously, whether it is handed over as the answer to the
    /// pending call (KubeEdge does this for updates from the edge and dynamic controllers and for responses) rather
    /// than as a new message.
    /// </summary>
    public bool AgentDeliveryFollowsSync { get; init; }

    public Reply Reply { get; init; }

    /// <summary>Who is told of a failure: the agent for the agent's own messages, the cloud for all others.</summary>
    public required MessageTargets ErrorsTo { get; init; }

    /// <summary>The error to answer (<see cref="Reply.ErrorToSender"/>), or the reason for <see cref="RoutingKind.Discard"/>.</summary>
    public string? ErrorText { get; init; }

    /// <summary>The message's resource, for the operations that name one.</summary>
    public ResourceString? Resource { get; init; }

    /// <summary>For <see cref="StoreChange.DeletePodIfUidMatches"/>: the UID in the deleted pod, null if it names none.</summary>
    public string? PodUid { get; init; }

    /// <summary>For <see cref="RoutingKind.RecordConnection"/>: the new state of the cloud link.</summary>
    public bool? Connected { get; init; }
}
