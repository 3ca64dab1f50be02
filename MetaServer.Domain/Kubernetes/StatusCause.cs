namespace MetaServer.Domain.Kubernetes;

/// <summary>One reason a request was refused, pointing at a field where it can.</summary>
public sealed record StatusCause(string Reason, string Message, string? Field = null);
