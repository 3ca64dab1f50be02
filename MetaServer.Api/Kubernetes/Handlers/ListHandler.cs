using MetaServer.Data;
using MetaServer.Domain.Kubernetes;
using Microsoft.Extensions.Options;

namespace MetaServer.Api.Kubernetes.Handlers;

/// <summary>GET of a collection: one namespace or all, filtered by selectors, paged by limit and continue.</summary>
internal sealed class ListHandler(SqliteStore store, IOptions<KubernetesApiOptions> options, TimeProvider clock) : IVerbHandler
{
    private static readonly TimeSpan TooLargeWait = TimeSpan.FromSeconds(3);

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

        var (cursor, refusal) = await OpenAsync(listOptions, prefix, request.Aborted);
        if (cursor is null)
        {
            return KubeResults.Status(refusal!);
        }

        using (cursor)
        {
            await ListWriter.WriteAsync(request.Http.Response, request.Type, listOptions, cursor, table, clock.GetUtcNow(), request.Aborted);
        }

        return Results.Empty;
    }

    // Which state the list reads, by resourceVersion and resourceVersionMatch, as the apiserver decides it.
    private async Task<(ObjectCursor? Cursor, KubeStatus? Refusal)> OpenAsync(ListOptions listOptions, string prefix, CancellationToken cancellationToken)
    {
        if (listOptions.Continue is { } token)
        {
            return store.TryOpenListAt(prefix, token.StartAfterKey, token.ResourceVersion, out var continued, out _)
                ? (continued, null)
                : (null, KubeStatus.Expired("The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter."));
        }

        var wanted = listOptions.ResourceVersion ?? 0;
        if (wanted == 0)
        {
            return (store.OpenList(prefix, null), null);
        }

        // A revision this store has not reached yet: wait briefly for it, as the apiserver's cache does.
        var deadline = DateTime.UtcNow + TooLargeWait;
        while (store.CurrentRevision < wanted)
        {
            if (DateTime.UtcNow >= deadline)
            {
                return (null, KubeStatus.Timeout($"Too large resource version: {wanted}, current: {store.CurrentRevision}", 1));
            }

            await Task.Delay(20, cancellationToken);
        }

        if (listOptions.Match != VersionMatch.Exact)
        {
            return (store.OpenList(prefix, null), null);
        }

        return store.TryOpenListAt(prefix, null, wanted, out var exact, out var compacted)
            ? (exact, null)
            : (null, KubeStatus.Expired($"too old resource version: {wanted} ({compacted})"));
    }
}
