using MetaServer.IntegrationTests.Infrastructure;

namespace MetaServer.IntegrationTests.Configuration;

/// <summary>A wrong setting stops the real server at start-up with one message that names it; --help lists them all.</summary>
public sealed class SettingsTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("Storage:Synchronous", "SOMETIMES", "Storage:Synchronous must be FULL, NORMAL or EXTRA")]
    [InlineData("Storage:MaxBatch", "0", "Storage:MaxBatch must be between 1 and 10000")]
    [InlineData("Watch:QueueCapacity", "2", "Watch:QueueCapacity must be at least 16")]
    [InlineData("KubernetesApi:MaxListLimit", "-1", "KubernetesApi:MaxListLimit must be positive")]
    [InlineData("MetaManager:RemoteQueryTimeoutSeconds", "0", "MetaManager:RemoteQueryTimeoutSeconds must be between 1 and 3600")]
    [InlineData("MetaManager:NodeName", "a/b", "MetaManager:NodeName must be a node name")]
    [InlineData("Bus:QueueCapacity", "0", "Bus:QueueCapacity must be at least 1")]
    public async Task An_invalid_setting_stops_start_up_naming_it(string key, string value, string message)
    {
        var (exitCode, output) = await ServerProcess.RunToExitAsync(Path.Combine(_folder.Path, "edgemeta.db"), $"--{key}={value}");

        Assert.NotEqual(0, exitCode);
        Assert.Contains(message, output);
    }

    [Fact]
    public async Task Help_lists_every_settings_section_with_defaults_and_exits_0_without_opening_the_store()
    {
        var database = Path.Combine(_folder.Path, "never.db");

        var (exitCode, output) = await ServerProcess.RunToExitAsync(database, "--help");

        Assert.Equal(0, exitCode);
        foreach (var line in new[]
        {
            "Storage:Synchronous = FULL", "Storage:MaxBatch = 256", "Watch:BookmarkInterval = 00:01:00",
            "KubernetesApi:MaxListLimit = 10000", "MetaManager:RemoteQueryTimeoutSeconds = 60", "Bus:SocketModule = edged",
            "CloudLink:Server = (not set)", "CloudLink:ProbeIntervalSeconds = 5", "Security:Tls:ClientCaFile = (not set)",
            "Security:Mode = (not set) (None | Enforce)", "Logging:Console:FormatterName",
        })
        {
            Assert.Contains(line, output);
        }

        Assert.False(File.Exists(database));
    }
}
