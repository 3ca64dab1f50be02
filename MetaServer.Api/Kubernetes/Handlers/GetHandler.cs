using MetaServer.Data;

namespace MetaServer.Api.Kubernetes.Handlers;

/// <summary>GET of one object (or its status subresource): the stored bytes as they are.</summary>
internal sealed class GetHandler(SqliteStore store) : IVerbHandler
{
    public async Task<IResult> HandleAsync(ApiRequest request)
    {
        var stored = await store.GetAsync(request.Type.KeyOf(request.Namespace, request.Name), request.Aborted);
        return stored is null ? KubeResults.Status(request.NotFound()) : KubeResults.Object(stored.Value);
    }
}
