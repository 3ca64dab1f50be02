using MetaServer.Data;
using MetaServer.Domain.Kubernetes;

namespace MetaServer.Api.Kubernetes.Handlers;

/// <summary>GET of one object (or its status subresource): the stored bytes as they are, or a one-row Table.</summary>
internal sealed class GetHandler(SqliteStore store, TimeProvider clock) : IVerbHandler
{
    public async Task<IResult> HandleAsync(ApiRequest request)
    {
        KubeStatus? error = null;
        var tableOptions = request.Format == MediaTypes.Format.Table ? TableRendering.Options(request, out error) : null;
        if (error is not null)
        {
            return KubeResults.Status(error);
        }

        var stored = await store.GetAsync(request.Type.KeyOf(request.Namespace, request.Name), request.Aborted);
        if (stored is null)
        {
            return KubeResults.Status(request.NotFound());
        }

        return tableOptions is null
            ? KubeResults.Object(stored.Value)
            : new TableResult(TableRendering.ObjectTable(request.Type, stored.Value, clock.GetUtcNow(), tableOptions.IncludeObject));
    }
}
