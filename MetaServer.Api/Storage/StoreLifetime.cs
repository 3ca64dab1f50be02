using System.Text.Json.Nodes;
using MetaServer.Api.Kubernetes;
using MetaServer.Data;
using MetaServer.Domain.Kubernetes;

namespace MetaServer.Api.Storage;

/// <summary>
/// Opens (and migrates) the database before the server takes requests, makes sure the namespaces every
/// cluster has exist, and on shutdown lets the writer commit what is queued before the file is closed.
/// </summary>
internal sealed partial class StoreLifetime(SqliteStore store, StoreWriter writer, TimeProvider clock, ILogger<StoreLifetime> logger) : IHostedService
{
    private static readonly string[] SystemNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Log.Opened(logger, store.FilePath, store.CurrentRevision);
        var namespaces = ResourceCatalog.BuiltIn.Find("", "v1", "namespaces")!;
        foreach (var name in SystemNamespaces)
        {
            var created = ObjectRules.Timestamp(clock.GetUtcNow());
            await writer.WriteAsync(new ObjectWrite(namespaces, "", name, current => current is not null
                ? new Mutation.Put(JsonNode.Parse(current.Value)!.AsObject())
                : new Mutation.Put(new JsonObject
                {
                    ["apiVersion"] = "v1",
                    ["kind"] = "Namespace",
                    ["metadata"] = new JsonObject
                    {
                        ["name"] = name,
                        ["uid"] = Guid.NewGuid().ToString(),
                        ["creationTimestamp"] = created,
                        ["labels"] = new JsonObject { ["kubernetes.io/metadata.name"] = name },
                    },
                    ["spec"] = new JsonObject { ["finalizers"] = new JsonArray("kubernetes") },
                    ["status"] = new JsonObject { ["phase"] = "Active" },
                })), cancellationToken);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await writer.DisposeAsync();
        var (batches, units) = writer.Committed;
        Log.Closed(logger, store.CurrentRevision, batches, units);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Opened store {Path} at revision {Revision}")]
        public static partial void Opened(ILogger logger, string path, long revision);

        [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "Store writer drained at revision {Revision}; {Batches} transactions committed {Units} writes")]
        public static partial void Closed(ILogger logger, long revision, long batches, long units);
    }
}
