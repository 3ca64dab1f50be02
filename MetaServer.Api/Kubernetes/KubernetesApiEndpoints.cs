using MetaServer.Api.Kubernetes.Handlers;
using MetaServer.Api.Operations;
using MetaServer.Domain.Kubernetes;

namespace MetaServer.Api.Kubernetes;

/// <summary>The resource paths of the Kubernetes API: /api/v1/... and /apis/{group}/{version}/...</summary>
internal static class KubernetesApiEndpoints
{
    private static readonly string[] StatusVerbs = ["get", "update", "patch"];

    public static IServiceCollection AddKubernetesApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<KubernetesApiOptions>(configuration, KubernetesApiOptions.Section, o =>
            o.MaxRequestBodyBytes <= 0 ? "KubernetesApi:MaxRequestBodyBytes must be positive"
            : o.MaxListLimit <= 0 ? "KubernetesApi:MaxListLimit must be positive"
            : null);
        // Lists stream megabytes: a deeper output buffer lets the next rows be read from SQLite while Kestrel
        // is still sending the previous ones (bounded per connection, so a slow reader costs at most this).
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(o => o.Limits.MaxResponseBufferSize = 1024 * 1024);
        services.AddSingleton<CustomResources.ResourceRegistry>();
        services.AddSingleton<CustomResources.DependentCleanup>();
        services.AddSingleton<KindRules>();
        services.AddSingleton<Data.IChangeObserver>(sp => sp.GetRequiredService<CustomResources.ResourceRegistry>());
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<GetHandler>();
        services.AddSingleton<ListHandler>();
        services.AddSingleton<CreateHandler>();
        services.AddSingleton<UpdateHandler>();
        services.AddSingleton<PatchHandler>();
        services.AddSingleton<DeleteHandler>();
        services.AddSingleton<DeleteCollectionHandler>();
        services.AddSingleton<HandlerFactory>();
        return services;
    }

    public static IEndpointRouteBuilder MapKubernetesApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.Map("/api/{**rest}", DispatchAsync);
        endpoints.Map("/apis/{**rest}", DispatchAsync);
        return endpoints;
    }

    private static async Task<IResult> DispatchAsync(HttpContext http, CustomResources.ResourceRegistry registry, HandlerFactory handlers)
    {
        var catalog = registry.Current;
        // Security has already resolved the request when it runs (to authorize it): not parsed twice. Kept on the
        // request either way, for the request metrics.
        var info = http.Features.Get<RequestInfo>();
        if (info is null)
        {
            info = RequestInfoParser.Parse(http.Request.Method, http.Request.Path.Value ?? "/", http.Request.Query["watch"]);
            http.Features.Set(info);
        }
        if (!info.IsResourceRequest)
        {
            return KubeResults.Status(KubeStatus.PathNotFound());
        }

        var type = catalog.Find(info.ApiGroup, info.ApiVersion, info.Resource);
        if (type is null || !ScopeFits(type, info) || (info.Subresource.Length > 0 && !type.HasSubresource(info.Subresource)))
        {
            return KubeResults.Status(KubeStatus.PathNotFound());
        }

        var message = ProtobufExchange.MessageOf(type);
        if (MediaTypes.Negotiate(http.Request.Headers.Accept, message is not null) is not { } format)
        {
            return KubeResults.Status(KubeStatus.NotAcceptable(message is null
                ? [MediaTypes.Json, MediaTypes.TableV1]
                : [MediaTypes.Json, MediaTypes.TableV1, MediaTypes.Protobuf]));
        }

        if (message is not null)
        {
            http.Features.Set(new ProtobufExchange(type, message, format == MediaTypes.Format.Protobuf));
        }

        var handler = handlers.For(info.Verb);
        if (handler is null)
        {
            return KubeResults.Status(info.Verb.Length == 0
                ? KubeStatus.MethodNotAllowed(http.Request.Method)
                : KubeStatus.MethodNotSupported(type.Group, type.Resource, info.Verb));
        }

        if (info.Subresource.Length > 0 && !StatusVerbs.Contains(info.Verb))
        {
            return KubeResults.Status(KubeStatus.MethodNotSupported(type.Group, type.Resource + "/" + info.Subresource, info.Verb));
        }

        var request = new ApiRequest(http, type.Namespaced ? info : info with { Namespace = "" }, type, format);
        return await handler.HandleAsync(request);
    }

    // Namespaced objects are addressed under a namespace (lists may span all); cluster-scoped ones never are,
    // except a namespace itself, whose name the path carries where a namespace would be.
    private static bool ScopeFits(ResourceType type, RequestInfo info)
    {
        if (!type.Namespaced)
        {
            return info.Namespace.Length == 0 || type.Resource == "namespaces";
        }

        return info.Namespace.Length > 0 || info.Verb is "list" or "watch";
    }
}
