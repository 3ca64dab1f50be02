using MetaServer.Api.Kubernetes;
using MetaServer.Domain.Kubernetes;

namespace MetaServer.Api.Discovery;

/// <summary>/api, /api/v1, /apis, /apis/{group}, /apis/{group}/{version}: what kubectl reads before it acts.</summary>
internal static class DiscoveryEndpoints
{
    public static IServiceCollection AddDiscovery(this IServiceCollection services) =>
        services.AddSingleton<DiscoveryCache>();

    public static IEndpointRouteBuilder MapDiscovery(this IEndpointRouteBuilder endpoints)
    {
        var discovery = endpoints.MapGroup("").WithMetadata(new HttpMethodMetadata(["GET", "HEAD"]));
        discovery.MapGet("/api", (DiscoveryCache docs) => KubeResults.Object(docs.Current.CoreVersions));
        discovery.MapGet("/api/{version}", (string version, DiscoveryCache docs) => Answer(docs.Current.ResourceList("", version)));
        discovery.MapGet("/apis", (DiscoveryCache docs) => KubeResults.Object(docs.Current.Groups));
        discovery.MapGet("/apis/{group}", (string group, DiscoveryCache docs) => Answer(docs.Current.Group(group)));
        discovery.MapGet("/apis/{group}/{version}", (string group, string version, DiscoveryCache docs) => Answer(docs.Current.ResourceList(group, version)));
        return endpoints;
    }

    private static IResult Answer(byte[]? document) =>
        document is null ? KubeResults.Status(KubeStatus.PathNotFound()) : KubeResults.Object(document);
}
