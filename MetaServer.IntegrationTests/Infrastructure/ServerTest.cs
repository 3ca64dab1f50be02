namespace MetaServer.IntegrationTests.Infrastructure;

/// <summary>A test class with its own server (real pipeline, real SQLite file) and a client to it.</summary>
public abstract class ServerTest(Dictionary<string, string>? settings = null) : IAsyncLifetime
{
    protected EdgeMetaServer Server { get; } = new(settings: settings);

    protected HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Client = Server.CreateClient();
        await SeedAsync();
    }

    /// <summary>What every test of the class starts from.</summary>
    protected virtual Task SeedAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
