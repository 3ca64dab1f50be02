using MetaServer.Api.Operations;
using Microsoft.Extensions.Options;

namespace MetaServer.Api.Bus;

/// <summary>Registers the message bus the MetaManager and the modules around it talk through.</summary>
internal static class BusSetup
{
    public static IServiceCollection AddBus(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<BusOptions>(configuration, BusOptions.Section, o => o.Validate());
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<BusOptions>>().Value);
        services.AddSingleton<MessageBus>();
        return services;
    }
}
