using System.Collections.Concurrent;
using System.Net;
using Dapper;
using MetaServer.IntegrationTests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace MetaServer.IntegrationTests.Storage;

/// <summary>An acknowledged write survives the process being killed mid-stream; the file is never left corrupt.</summary>
public sealed class CrashSafetyTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Every_acknowledged_write_is_there_after_SIGKILL_and_restart_three_times_over()
    {
        var database = Path.Combine(_folder.Path, "edgemeta.db");
        var acknowledged = new ConcurrentDictionary<string, long>();
        for (var round = 0; round < 3; round++)
        {
            await using var server = await ServerProcess.StartAsync(database);
            using var client = new HttpClient { BaseAddress = server.Address };
            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
            {
                for (var n = 0; !stop.IsCancellationRequested; n++)
                {
                    var name = $"r{round}-w{w}-{n}";
                    try
                    {
                        var (code, created) = await client.PostJsonAsync("/api/v1/namespaces/default/configmaps", $$$"""{"metadata":{"name":"{{{name}}}"},"data":{"n":"{{{n}}}"}}""");
                        if (code == HttpStatusCode.Created)
                        {
                            acknowledged[name] = long.Parse(created.Meta("resourceVersion"));
                        }
                    }
                    catch (HttpRequestException)
                    {
                        return; // the server is gone
                    }
                }
            })).ToArray();

            await Task.Delay(TimeSpan.FromMilliseconds(1200));
            server.Kill();
            stop.Cancel();
            await Task.WhenAll(writers);
        }

        Assert.True(acknowledged.Count > 50, $"only {acknowledged.Count} writes were acknowledged");
        await using var after = await ServerProcess.StartAsync(database);
        using var reader = new HttpClient { BaseAddress = after.Address };
        var (_, list) = await reader.GetJsonAsync("/api/v1/namespaces/default/configmaps");
        var stored = list["items"]!.AsArray().ToDictionary(i => i!["metadata"]!["name"]!.GetValue<string>(), i => long.Parse(i!["metadata"]!["resourceVersion"]!.GetValue<string>()));
        var missing = acknowledged.Keys.Where(k => !stored.ContainsKey(k)).ToArray();
        Assert.True(missing.Length == 0, $"{missing.Length} acknowledged writes lost, e.g. {string.Join(", ", missing.Take(5))}");
        Assert.All(acknowledged, a => Assert.Equal(a.Value, stored[a.Key]));
        Assert.True(long.Parse(list["metadata"]!["resourceVersion"]!.GetValue<string>()) >= acknowledged.Values.Max());

        using var db = new SqliteConnection($"Data Source={database};Mode=ReadOnly");
        db.Open();
        Assert.Equal("ok", db.QuerySingle<string>("PRAGMA integrity_check"));
    }
}
