namespace MetaServer.IntegrationTests.Infrastructure;

/// <summary>A test class that drives the real kubectl against its own server on a real Kestrel listener on 127.0.0.1.</summary>
public abstract class KubectlTest(Dictionary<string, string>? settings = null) : IAsyncLifetime
{
    protected EdgeMetaServer Server { get; } = new(kestrel: true, settings: settings);

    /// <summary>A folder for manifests and kubectl's own files (its cache), removed afterwards.</summary>
    protected TempFolder Work { get; } = new();

    protected Kubectl Cli { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Assert.True(File.Exists(Kubectl.Path), "kubectl must be installed at /usr/bin/kubectl (.ci/run checks this)");
        Cli = new Kubectl(Server.Address, Work.Path);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Work.Dispose();
    }
}
