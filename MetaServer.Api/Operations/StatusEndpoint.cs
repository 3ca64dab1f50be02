using System.Text.Json.Nodes;
using MetaServer.Api.CloudLink;
using MetaServer.Api.MetaManager;
using MetaServer.Data;

namespace MetaServer.Api.Operations;

/// <summary>
/// <c>GET /edgemeta/status</c>: what an operator asks first — the mode, the store's revision, the cloud link's state
/// (connected, since when, last full sync, last error, outbox depth) and the MetaManager's and writer's counters.
/// </summary>
internal static class StatusEndpoint
{
    public static IEndpointRouteBuilder MapStatus(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/edgemeta/status", async (HttpContext http, SqliteStore store, StoreWriter writer, MetaManagerService meta) =>
            Results.Text((await CollectAsync(http, store, writer, meta)).ToJsonString(), "application/json"));
        endpoints.MapStatusPage();
        return endpoints;
    }

    /// <summary>The status document, also what the <c>/ui</c> page shows.</summary>
    internal static async Task<JsonObject> CollectAsync(HttpContext http, SqliteStore store, StoreWriter writer, MetaManagerService meta)
    {
        var cloud = http.RequestServices.GetService<CloudLinkService>();
        var (processed, refused, duplicates, undelivered) = meta.Counters;
        var (batches, units) = writer.Committed;
        var status = new JsonObject
        {
            ["mode"] = cloud is null ? "standalone" : "edge",
            ["revision"] = store.CurrentRevision,
            ["compactedRevision"] = store.CompactedRevision,
            ["metaManager"] = new JsonObject
            {
                ["processed"] = processed,
                ["refused"] = refused,
                ["resent"] = duplicates,
                ["undelivered"] = undelivered,
            },
            ["writer"] = new JsonObject { ["transactions"] = batches, ["writes"] = units },
        };
        if (cloud is not null)
        {
            var (lastSync, since, lastError) = cloud.Status;
            status["cloud"] = new JsonObject
            {
                ["upstream"] = cloud.Address.ToString(),
                ["connected"] = cloud.Connected,
                ["since"] = since?.ToString("O"),
                ["lastSync"] = lastSync?.ToString("O"),
                ["lastError"] = lastError,
                ["outboxDepth"] = await store.OutboxDepthAsync(http.RequestAborted),
            };
        }

        return status;
    }
}
