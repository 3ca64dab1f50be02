namespace MetaServer.Domain.Kubernetes;

/// <summary>What a request asks for, resolved from its method and path the way the Kubernetes API server does.</summary>
public sealed record RequestInfo
{
    public required bool IsResourceRequest { get; init; }
    public required string Path { get; init; }

    /// <summary>get, list, watch, create, update, patch, delete, deletecollection, proxy; lower-case method for non-resource requests; "" for an unknown method.</summary>
    public required string Verb { get; init; }

    public string ApiPrefix { get; init; } = "";
    public string ApiGroup { get; init; } = "";
    public string ApiVersion { get; init; } = "";
    public string Namespace { get; init; } = "";
    public string Resource { get; init; } = "";
    public string Subresource { get; init; } = "";
    public string Name { get; init; } = "";

    /// <summary>The path segments from the resource on: resource/name/subresource/...</summary>
    public IReadOnlyList<string> Parts { get; init; } = [];
}
