using MetaServer.Api.Operations;
using MetaServer.Data;
using Microsoft.Extensions.Options;

namespace MetaServer.Api.Storage;

/// <summary>Registers the SQLite store and its one writer.</summary>
internal static class StorageSetup
{
    public static IServiceCollection AddStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<StoreOptions>(configuration, StoreOptions.Section, o => o.Validate());
        services.AddSingleton(sp =>
        {
            var store = new SqliteStore(sp.GetRequiredService<IOptions<StoreOptions>>().Value);
            store.Initialize();
            return store;
        });
        services.AddSingleton<StoreWriter>();
        services.AddHostedService<StoreLifetime>();
        return services;
    }
}
