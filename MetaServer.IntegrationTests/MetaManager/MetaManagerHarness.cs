using System.Text.Json.Nodes;
using MetaServer.Api.Bus;
using MetaServer.Domain.Messages;
using MetaServer.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MetaServer.IntegrationTests.MetaManager;

/// <summary>
/// The real server (pipeline, SQLite file, MetaManager service) with stand-ins for the modules around the
/// MetaManager registered on its bus: the cloud link (<c>websocket</c>, group hub), the node agent (<c>edged</c>)
/// and the device twin. What the MetaManager sends them lands in their inboxes for the test to read.
/// </summary>
public sealed class MetaManagerHarness : IAsyncDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    public MetaManagerHarness(string? databasePath = null, Dictionary<string, string>? settings = null)
    {
        Server = new EdgeMetaServer(databasePath: databasePath, settings: settings);
        Client = Server.CreateClient();
        Bus = Server.Services.GetRequiredService<MessageBus>();
        Cloud = Bus.Register(ModuleNames.EdgeHub, GroupNames.Hub);
        Agent = Bus.Register(ModuleNames.Edged, GroupNames.Edged);
        Twin = Bus.Register(ModuleNames.DeviceTwin, GroupNames.Twin);
    }

    public EdgeMetaServer Server { get; }

    public HttpClient Client { get; }

    internal MessageBus Bus { get; }

    internal Mailbox Cloud { get; }

    internal Mailbox Agent { get; }

    internal Mailbox Twin { get; }

    public static Message From(string source, string operation, string resource, JsonNode? content) =>
        Message.Create(source, GroupNames.Resource, operation, resource, content);

    public static JsonObject Pod(string name, string ns = "default", string uid = "uid-1", string? resourceVersion = null)
    {
        var metadata = new JsonObject { ["name"] = name, ["namespace"] = ns, ["uid"] = uid };
        if (resourceVersion is not null)
        {
            metadata["resourceVersion"] = resourceVersion;
        }

        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = metadata,
            ["spec"] = new JsonObject { ["nodeName"] = "edge-1", ["containers"] = new JsonArray(new JsonObject { ["name"] = "c", ["image"] = "nginx" }) },
        };
    }

    public static JsonObject ConfigMap(string name, string value, string ns = "default") => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "ConfigMap",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["data"] = new JsonObject { ["k"] = value },
    };

    public async Task SendAsync(Message message) => Assert.True(await Bus.SendAsync(ModuleNames.MetaManager, message));

    /// <summary>Tells the MetaManager the cloud link is up or down, and waits until it has taken it in.</summary>
    public async Task ConnectAsync(bool connected)
    {
        await SendAsync(NodeConnection.Broadcast(connected, GroupNames.Meta));
        await BarrierAsync();
    }

    /// <summary>
    /// Waits until every message sent before has been answered: a local query is answered in arrival order, after
    /// everything queued before it, so once its answer is back, so is theirs.
    /// </summary>
    public async Task BarrierAsync()
    {
        var probe = From(ModuleNames.Edged, Operations.Query, "barrier/podstatus/none", null);
        var answer = await Bus.SendSyncAsync(ModuleNames.MetaManager, probe, Wait);
        Assert.Equal(Operations.Response, answer.Route.Operation);
    }

    internal static async Task<Message> NextAsync(Mailbox mailbox)
    {
        using var timeout = new CancellationTokenSource(Wait);
        return await mailbox.Inbox.ReadAsync(timeout.Token);
    }

    internal static void Empty(Mailbox mailbox)
    {
        var found = mailbox.Inbox.TryRead(out var message);
        Assert.False(found, found ? $"{mailbox.Module} got {message!.Route.Operation} {message.Route.Resource}: {message.Content?.ToJsonString()}" : "");
    }

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}
