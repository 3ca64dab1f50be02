using MetaServer.Api.Operations;
using Microsoft.Extensions.Options;

namespace MetaServer.Api.Bus;

/// <summary>Registers the message bus and, when <c>Bus:SocketPath</c> is set, the socket that reaches it from outside.</summary>
internal static class BusSetup
{
    public static IServiceCollection AddBus(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<BusOptions>(configuration, BusOptions.Section, o => o.Validate());
        services.AddSettings<SocketOptions>(configuration, BusOptions.Section, o => o.Validate());
        services.AddSingleton(sp => new MessageBus(sp.GetRequiredService<IOptions<BusOptions>>().Value, sp.GetRequiredService<ILogger<MessageBus>>()));
        services.AddHostedService<SocketBridge>();
        return services;
    }
}
