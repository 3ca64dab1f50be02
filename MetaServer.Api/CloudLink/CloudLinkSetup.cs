using MetaServer.Api.Operations;
using Microsoft.Extensions.Options;

namespace MetaServer.Api.CloudLink;

/// <summary>Registers the cloud link when an upstream is configured (edge mode); without one the server is standalone.</summary>
internal static class CloudLinkSetup
{
    public static IServiceCollection AddCloudLink(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<CloudLinkOptions>(configuration, CloudLinkOptions.Section, o => o.Validate());
        var options = configuration.GetSection(CloudLinkOptions.Section).Get<CloudLinkOptions>() ?? new CloudLinkOptions();
        if (!options.Enabled)
        {
            return services;
        }

        services.AddSingleton<Upstream>();
        services.AddSingleton<CloudLinkService>();
        services.AddHostedService(sp => sp.GetRequiredService<CloudLinkService>());
        return services;
    }
}
