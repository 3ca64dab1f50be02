using MetaServer.Api.Kubernetes;
using MetaServer.Domain.Kubernetes;

namespace MetaServer.Api.Discovery;

/// <summary>/api, /api/v1, /apis, /apis/{group}, /apis/{group}/{version}: what kubectl reads before it acts.</summary>
internal static class DiscoveryEndpoints
{
    public static IServiceCollection AddDiscovery(this IServiceCollection services) =>
        services.AddSingleton<DiscoveryDocuments>();

    public static IEndpointRouteBuilder MapDiscovery(this IEndpointRouteBuilder endpoints)
    {
        var discovery = endpoints.MapGroup("").WithMetadata(new HttpMethodMetadata(["GET", "HEAD"]));
        discovery.MapGet("/api", (DiscoveryDocuments docs) => KubeResults.Object(docs.CoreVersions));
        discovery.MapGet("/api/{version}", (string version, DiscoveryDocuments docs) => Answer(docs.ResourceList("", version)));
        discovery.MapGet("/apis", (DiscoveryDocuments docs) => KubeResults.Object(docs.Groups));
        discovery.MapGet("/apis/{group}", (string group, DiscoveryDocuments docs) => Answer(docs.Group(group)));
        discovery.MapGet("/apis/{group}/{version}", (string group, string version, DiscoveryDocuments docs) => Answer(docs.ResourceList(group, version)));
        return endpoints;
    }

    private static IResult Answer(byte[]? document) =>
        document is null ? KubeResults.Status(KubeStatus.PathNotFound()) : KubeResults.Object(document);
}
