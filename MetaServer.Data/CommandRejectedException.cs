using MetaServer.Domain.Kubernetes;

namespace MetaServer.Data;

/// <summary>
/// Thrown by a command to undo what it did in the transaction and refuse, with the Status its caller answers.
/// </summary>
public sealed class CommandRejectedException(KubeStatus status) : Exception(status.Message)
{
    public KubeStatus Status { get; } = status;
}
