using MetaServer.IntegrationTests.Infrastructure;

namespace MetaServer.IntegrationTests.Configuration;

/// <summary>A wrong setting stops the real server at start-up with one message that names it.</summary>
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
}
