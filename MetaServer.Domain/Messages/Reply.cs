namespace MetaServer.Domain.Messages;

/// <summary>
/// The answer the MetaManager sends once a message is handled. Answers to the agent go back on its pending call when
/// the request was synchronous, and to the agent module otherwise.
/// </summary>
public enum Reply
{
    None,

    /// <summary>A <c>response</c> with content OK to the cloud, which stops it resending.</summary>
    OkToCloud,

    /// <summary>A <c>response</c> with content OK to the agent.</summary>
    OkToAgent,

    /// <summary>An <c>error</c> with <see cref="RoutingDecision.ErrorText"/> to <see cref="RoutingDecision.ErrorsTo"/>.</summary>
    ErrorToSender,

    /// <summary>A <c>response</c> from source <c>metamanager</c> to the agent whose content is the stored values, an
    /// array of JSON strings.</summary>
    StoredRowsToAgent,

    /// <summary>The cloud's answer to a remote request, to the agent, with the request's original id as parent.</summary>
    CloudAnswerToAgent,

    /// <summary>A <c>response</c> to the cloud carrying the agent's answer to a volume operation.</summary>
    AgentAnswerToCloud,
}
