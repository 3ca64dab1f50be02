namespace MetaServer.Domain.Messages;

/// <summary>The operation names a <see cref="MessageRoute"/> carries, spelled as KubeEdge spells them.</summary>
public static class Operations
{
    public const string Insert = "insert";
    public const string Update = "update";
    public const string Patch = "patch";
    public const string Delete = "delete";
    public const string Query = "query";
    public const string Upload = "upload";
    public const string Response = "response";
    public const string Error = "error";

    /// <summary>The hub's broadcast that the cloud link went up or down (<see cref="NodeConnection"/>).</summary>
    public const string Connect = "connect";

    /// <summary>The periodic report of stored pod statuses to the cloud. KubeEdge's MetaManager handled it up to
    /// v1.11 and dropped it later; EdgeMeta keeps it.</summary>
    public const string MetaSync = "meta-internal-sync";

    /// <summary>The hub's heartbeat to the cloud (content "ping").</summary>
    public const string Keepalive = "keepalive";

    // CSI volume operations, which the cloud asks of the node agent through the MetaManager.
    public const string CreateVolume = "createvolume";
    public const string DeleteVolume = "deletevolume";
    public const string ControllerPublishVolume = "controllerpublishvolume";
    public const string ControllerUnpublishVolume = "controllerunpublishvolume";

    /// <summary>Whether the operation is one of the four CSI volume operations.</summary>
    public static bool IsVolume(string? operation) =>
        operation is CreateVolume or DeleteVolume or ControllerPublishVolume or ControllerUnpublishVolume;
}
