using Prometheus;

namespace MetaServer.Api.Observability;

/// <summary>Registers the metrics and times every request; maps <c>/metrics</c> (Prometheus text format).</summary>
internal static class ObservabilitySetup
{
    public static IServiceCollection AddObservability(this IServiceCollection services)
    {
        services.AddSingleton<ServerMetrics>();
        // First in the pipeline, so the code counted is the one the client got, whatever answered it.
        services.AddTransient<IStartupFilter, RequestMetricsStartup>();
        return services;
    }

    /// <summary><c>GET /metrics</c>, behind the same security as the API (an RBAC nonResourceURL rule in Enforce mode).</summary>
    public static IEndpointRouteBuilder MapObservability(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapMetrics("/metrics", endpoints.ServiceProvider.GetRequiredService<ServerMetrics>().Registry);
        return endpoints;
    }

    private sealed class RequestMetricsStartup : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseMiddleware<RequestMetrics>();
            next(app);
        };
    }
}
