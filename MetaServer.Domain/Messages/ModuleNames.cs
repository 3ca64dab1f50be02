namespace MetaServer.Domain.Messages;

/// <summary>The edge modules' names, which are also what they write as a message's source.</summary>
public static class ModuleNames
{
    /// <summary>The node agent.</summary>
    public const string Edged = "edged";

    /// <summary>The cloud link (KubeEdge's edgehub), named after its websocket transport.</summary>
    public const string EdgeHub = "websocket";

    public const string MetaManager = "metamanager";
    public const string DeviceTwin = "twin";
    public const string EventBus = "eventbus";
    public const string ServiceBus = "servicebus";
    public const string EdgeStream = "edgestream";
}
