using System.Text.Json.Nodes;

namespace MetaServer.Domain.Messages;

/// <summary>
/// The broadcast the cloud link sends to the edge groups when the connection to the cloud goes up or down: source
/// <c>edgehub</c>, operation <c>connect</c>, resource <c>node/connection</c>, and the state as string content.
/// </summary>
public static class NodeConnection
{
    public const string Resource = "node/connection";
    public const string Source = "edgehub";
    public const string Connected = "cloud_connected";
    public const string Disconnected = "cloud_disconnected";

    /// <summary>The broadcast for one group.</summary>
    public static Message Broadcast(bool connected, string group, TimeProvider? clock = null) =>
        Message.Create(Source, group, Operations.Connect, Resource, JsonValue.Create(connected ? Connected : Disconnected), clock);

    /// <summary>Reads the state from a <c>connect</c> message; false when it is not one or names no known state.</summary>
    public static bool TryRead(Message message, out bool connected)
    {
        connected = false;
        if (message.Route.Operation != Operations.Connect)
            return false;
        switch (message.ContentText())
        {
            case Connected:
                connected = true;
                return true;
            case Disconnected:
                return true;
            default:
                return false;
        }
    }
}
