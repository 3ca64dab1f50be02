using MetaServer.Api.Operations;

namespace MetaServer.Api.MetaManager;

/// <summary>Registers the MetaManager: its settings, the cloud link's state, the API's write path and the service.</summary>
internal static class MetaManagerSetup
{
    public static IServiceCollection AddMetaManager(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<MetaManagerOptions>(configuration, MetaManagerOptions.Section, o => o.Validate());
        services.AddSingleton<CloudState>();
        services.AddSingleton<MessageLedger>();
        services.AddSingleton(sp => new ApiWrites(sp.GetRequiredService<Data.StoreWriter>(), sp.GetService<CloudLink.CloudLinkService>()));
        services.AddSingleton<MetaManagerService>();
        services.AddHostedService(sp => sp.GetRequiredService<MetaManagerService>());
        return services;
    }
}
