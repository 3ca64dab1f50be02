using System.Net;
using System.Text.Json;
using MetaServer.IntegrationTests.Infrastructure;

namespace MetaServer.IntegrationTests.Observability;

/// <summary>Logging:Console:FormatterName=json: one JSON object a line, and with scopes each request's id on its lines.</summary>
public sealed class JsonLogsTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task The_json_console_formatter_writes_one_object_a_line_with_the_request_id_in_its_scope()
    {
        await using var server = await ServerProcess.StartAsync(Path.Combine(_folder.Path, "edgemeta.db"),
            "--Logging:Console:FormatterName=json",
            "--Logging:Console:FormatterOptions:IncludeScopes=true",
            "--Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics=Information");
        using var client = new HttpClient { BaseAddress = server.Address };
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/namespaces/default/configmaps?json-log-probe=1")).StatusCode);

        JsonElement? found = null;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (found is null && DateTime.UtcNow < deadline)
        {
            found = server.Output.Where(l => l.Contains("json-log-probe", StringComparison.Ordinal))
                .Select(l => (JsonElement?)JsonDocument.Parse(l).RootElement)
                .FirstOrDefault();
            await Task.Delay(found is null ? 50 : 0);
        }

        var entry = Assert.NotNull(found);
        Assert.Equal("Microsoft.AspNetCore.Hosting.Diagnostics", entry.GetProperty("Category").GetString());
        Assert.Equal("Information", entry.GetProperty("LogLevel").GetString());
        var scope = entry.GetProperty("Scopes").EnumerateArray().Single(s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("RequestId", out _));
        Assert.False(string.IsNullOrEmpty(scope.GetProperty("RequestId").GetString()));
        Assert.Equal("/api/v1/namespaces/default/configmaps", scope.GetProperty("RequestPath").GetString());
        Assert.All(server.Output.Where(l => l.StartsWith('{')), l => JsonDocument.Parse(l).Dispose());
    }
}
