using MetaServer.Domain.Kubernetes;

namespace MetaServer.Api.Kubernetes;

/// <summary>A resource request resolved against the catalog: what each verb handler works from.</summary>
internal sealed record ApiRequest(HttpContext Http, RequestInfo Info, ResourceType Type, MediaTypes.Format Format = MediaTypes.Format.Json)
{
    public CancellationToken Aborted => Http.RequestAborted;

    public string Namespace => Info.Namespace;

    public string Name => Info.Name;

    public string? Query(string name)
    {
        var value = Http.Request.Query[name];
        return value.Count == 0 ? null : value[0];
    }

    public KubeStatus NotFound() => KubeStatus.NotFound(Type.Group, Type.Resource, Name);
}
