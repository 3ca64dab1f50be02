namespace MetaServer.Api.Watch;

/// <summary>Ends every open watch as soon as the server starts stopping, so clients see a clean end of stream.</summary>
internal sealed class WatchShutdown(WatchHub hub, IHostApplicationLifetime lifetime) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStopping.Register(hub.Close);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
