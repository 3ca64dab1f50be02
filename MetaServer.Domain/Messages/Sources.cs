namespace MetaServer.Domain.Messages;

/// <summary>
/// Message sources that are not edge modules (<see cref="ModuleNames"/>): the cloud controllers whose messages reach
/// the MetaManager, and the edge's own MetaServer.
/// </summary>
public static class Sources
{
    public const string EdgeController = "edgecontroller";
    public const string DeviceController = "devicecontroller";
    public const string PolicyController = "policycontroller";
    public const string DynamicController = "dynamiccontroller";
    public const string SyncController = "synccontroller";
    public const string CloudHub = "cloudhub";
    public const string Router = "router";

    /// <summary>The edge's Kubernetes API server.</summary>
    public const string MetaServer = "metaserver";
}
