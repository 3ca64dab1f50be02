using MetaServer.IntegrationTests.Infrastructure;

namespace MetaServer.IntegrationTests.Configuration;

/// <summary>A wrong setting stops start-up with one message that names it.</summary>
public sealed class SettingsTests
{
    [Theory]
    [InlineData("Storage:Synchronous", "SOMETIMES", "Storage:Synchronous must be FULL, NORMAL or EXTRA")]
    [InlineData("Storage:MaxBatch", "0", "Storage:MaxBatch must be between 1 and 10000")]
    [InlineData("Watch:QueueCapacity", "2", "Watch:QueueCapacity must be at least 16")]
    [InlineData("KubernetesApi:MaxListLimit", "-1", "KubernetesApi:MaxListLimit must be positive")]
    public async Task An_invalid_setting_stops_start_up_naming_it(string key, string value, string message)
    {
        await using var server = new EdgeMetaServer(settings: new() { [key] = value });

        var failure = Assert.ThrowsAny<Exception>(() => server.CreateClient());

        var all = string.Join(" | ", Flatten(failure).Select(e => e.Message));
        Assert.Contains(message, all);
    }

    private static IEnumerable<Exception> Flatten(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            yield return e;
            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Flatten))
                {
                    yield return inner;
                }
            }
        }
    }
}
