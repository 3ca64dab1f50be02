using MetaServer.Api.Kubernetes;
using MetaServer.Domain.Kubernetes;

namespace MetaServer.Api.Discovery;

/// <summary>/api, /api/v1, /apis, /apis/{group}, /apis/{group}/{version}: what kubectl reads before it acts.</summary>
internal static class DiscoveryEndpoints
{
    public static IServiceCollection AddDiscovery(this IServiceCollection services) =>
        services.AddSingleton<DiscoveryCache>().AddSingleton<OpenApi.OpenApiCache>();

    public static IEndpointRouteBuilder MapDiscovery(this IEndpointRouteBuilder endpoints)
    {
        var discovery = endpoints.MapGroup("").WithMetadata(new HttpMethodMetadata(["GET", "HEAD"]));
        discovery.MapGet("/api", (HttpContext http, DiscoveryCache docs) => Root(http, docs.Current, core: true));
        discovery.MapGet("/api/{version}", (string version, DiscoveryCache docs) => Answer(docs.Current.ResourceList("", version)));
        discovery.MapGet("/apis", (HttpContext http, DiscoveryCache docs) => Root(http, docs.Current, core: false));
        discovery.MapGet("/apis/{group}", (string group, DiscoveryCache docs) => Answer(docs.Current.Group(group)));
        discovery.MapGet("/apis/{group}/{version}", (string group, string version, DiscoveryCache docs) => Answer(docs.Current.ResourceList(group, version)));
        return endpoints;
    }

    // /api and /apis answer the aggregated list when the client asks for it first, else the legacy document.
    private static IResult Root(HttpContext http, DiscoveryDocuments docs, bool core)
    {
        http.Response.Headers.Vary = "Accept";
        return AggregatedDiscovery.Requested(http.Request.Headers.Accept.ToString()) is { } version
            ? Results.Bytes(docs.Aggregated(core, version), AggregatedDiscovery.ContentType(version))
            : KubeResults.Object(core ? docs.CoreVersions : docs.Groups);
    }

    private static IResult Answer(byte[]? document) =>
        document is null ? KubeResults.Status(KubeStatus.PathNotFound()) : KubeResults.Object(document);
}
