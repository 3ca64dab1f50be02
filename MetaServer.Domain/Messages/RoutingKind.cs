namespace MetaServer.Domain.Messages;

/// <summary>The path a message takes through the MetaManager (<see cref="RoutingDecision.Kind"/>).</summary>
public enum RoutingKind
{
    /// <summary>Change the store as <see cref="RoutingDecision.Store"/> says; if that succeeds, forward the message
    /// to <see cref="RoutingDecision.Forward"/> and send <see cref="RoutingDecision.Reply"/>.</summary>
    Apply,

    /// <summary>Ask the cloud: send the message under a fresh id and wait up to <see cref="Routing.RemoteTimeout"/>;
    /// treat the answer as <see cref="RemoteAnswer"/> says, hand it to the agent under the original id, and answer
    /// the cloud's answer with OK.</summary>
    Remote,

    /// <summary>Answer with the stored value under the message's resource string (an array of zero or one JSON
    /// strings).</summary>
    QueryStoreByKey,

    /// <summary>Answer with every stored value of the resource type, in every namespace (KubeEdge looks a list up
    /// by type alone).</summary>
    QueryStoreByType,

    /// <summary>A volume operation: ask the agent and wait up to <see cref="Routing.VolumeTimeout"/>, then send its
    /// answer's content (null if it gave none) to the cloud as the response.</summary>
    AskAgent,

    /// <summary>Keep the cloud link's state, <see cref="RoutingDecision.Connected"/>; it decides remote or local.</summary>
    RecordConnection,

    /// <summary>Send the stored pod statuses of pods still stored to the cloud, one <c>update</c> of
    /// <c>namespace/podstatus</c> per namespace, dropping statuses whose pod is gone.</summary>
    ReportPodStatuses,

    /// <summary>Do nothing but send <see cref="RoutingDecision.ErrorText"/> to <see cref="RoutingDecision.ErrorsTo"/>.</summary>
    Refuse,

    /// <summary>Log <see cref="RoutingDecision.ErrorText"/>: there is no sender to answer (a broadcast).</summary>
    Discard,
}
