using MetaServer.Data;
using MetaServer.Domain.Kubernetes;
using Microsoft.Extensions.Options;

namespace MetaServer.Api.Kubernetes.Handlers;

/// <summary>GET of a collection: one namespace or all, filtered by selectors, paged by limit and continue.</summary>
internal sealed class ListHandler(SqliteStore store, IOptions<KubernetesApiOptions> options, TimeProvider clock) : IVerbHandler
{
    public async Task<IResult> HandleAsync(ApiRequest request)
    {
        var listOptions = ListOptions.Parse(request.Query, request.Type.Group, request.Type.Resource, options.Value.MaxListLimit, out var error);
        if (listOptions is null)
        {
            return KubeResults.Status(error!);
        }

        var prefix = request.Type.KeyPrefix(request.Namespace.Length == 0 ? null : request.Namespace);
        if (listOptions.Continue is { } token && !token.StartAfterKey.StartsWith(prefix, StringComparison.Ordinal))
        {
            return KubeResults.Status(KubeStatus.BadRequest("continue key is not valid: it belongs to another list"));
        }

        var table = request.Format == MediaTypes.Format.Table ? TableRendering.Options(request, out error) : null;
        if (request.Format == MediaTypes.Format.Table && table is null)
        {
            return KubeResults.Status(error!);
        }

        await ListWriter.WriteAsync(request.Http.Response, request.Type, listOptions, store, prefix, table, clock.GetUtcNow(), request.Aborted);
        return Results.Empty;
    }
}
