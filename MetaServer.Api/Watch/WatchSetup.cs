using MetaServer.Api.Operations;
using MetaServer.Data;

namespace MetaServer.Api.Watch;

/// <summary>Registers the watch hub (as the store's change observer), the watch handler and the compactor.</summary>
internal static class WatchSetup
{
    public static IServiceCollection AddWatch(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<WatchSettings>(configuration, WatchSettings.Section, o => o.Validate());
        services.AddSingleton<WatchHub>();
        services.AddSingleton<IChangeObserver>(sp => sp.GetRequiredService<WatchHub>());
        services.AddSingleton<WatchHandler>();
        services.AddSingleton<ChangeLogCompactor>();
        services.AddHostedService(sp => sp.GetRequiredService<ChangeLogCompactor>());
        services.AddHostedService<WatchShutdown>();
        return services;
    }
}
