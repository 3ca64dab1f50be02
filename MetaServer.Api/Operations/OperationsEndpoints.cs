using System.Text.Json;
using MetaServer.Data;

namespace MetaServer.Api.Operations;

/// <summary>The pass-through paths: /version, /healthz, /livez, /readyz.</summary>
internal static class OperationsEndpoints
{
    // The Kubernetes API level this server speaks; kubectl compares its own version with it.
    private static readonly byte[] Version = JsonSerializer.SerializeToUtf8Bytes(new VersionInfo(
        "1", "32", "v1.32.0-edgemeta", "edgemeta", "clean", "2026-11-25T00:00:00Z", "go1.23 (EdgeMeta on .NET " + Environment.Version + ")",
        "dotnet", "linux/" + System.Runtime.InteropServices.RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()),
        OperationsJson.Default.VersionInfo);

    public static IEndpointRouteBuilder MapOperations(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/version", () => Results.Bytes(Version, "application/json"));
        endpoints.MapGet("/healthz", () => Results.Text("ok"));
        endpoints.MapGet("/livez", () => Results.Text("ok"));
        endpoints.MapGet("/readyz", ReadyAsync);
        return endpoints;
    }

    // Ready means the database answers a query; verbose lists each check the way the apiserver does.
    // An edge cut off from the cloud is still ready: it serves from its cache (edge autonomy); the line says so.
    private static async Task<IResult> ReadyAsync(HttpContext http, SqliteStore store, ILoggerFactory loggers)
    {
        var verbose = http.Request.Query.ContainsKey("verbose");
        try
        {
            await store.ProbeAsync(http.RequestAborted);
            var cloud = http.RequestServices.GetService<CloudLink.CloudLinkService>();
            var link = cloud is null ? "" : cloud.Connected
                ? "[+]cloudlink ok: connected\n"
                : "[+]cloudlink ok: disconnected, serving from the local cache\n";
            return Results.Text(verbose ? "[+]database ok\n" + link + "readyz check passed\n" : "ok");
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException or IOException)
        {
            loggers.CreateLogger("MetaServer.Api.Operations.Readyz").LogWarning(ex, "readyz: the database is not readable");
            return Results.Text(verbose ? "[-]database failed: reason withheld\nreadyz check failed\n" : "[-]database failed: reason withheld\nreadyz check failed\n",
                statusCode: StatusCodes.Status500InternalServerError);
        }
    }
}
