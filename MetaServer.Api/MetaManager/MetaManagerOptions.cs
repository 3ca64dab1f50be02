namespace MetaServer.Api.MetaManager;

/// <summary>Settings of the MetaManager (section "MetaManager"), from appsettings, environment or command line.</summary>
public sealed class MetaManagerOptions
{
    public const string Section = "MetaManager";

    /// <summary>The node this edge serves; the pods bound to it are its pods. Defaults to the host name.</summary>
    public string NodeName { get; set; } = Environment.MachineName.ToLowerInvariant();

    /// <summary>How long a query or write asked of the cloud waits for its answer (KubeEdge's remoteQueryTimeout).</summary>
    public int RemoteQueryTimeoutSeconds { get; set; } = 60;

    /// <summary>How long a volume operation waits for the node agent.</summary>
    public int VolumeTimeoutSeconds { get; set; } = 60;

    /// <summary>How often the stored pod statuses are reported to the cloud while connected (meta sync); 0 turns it off.</summary>
    public int PodStatusSyncIntervalSeconds { get; set; } = 60;

    /// <summary>How long a processed message's id is remembered, so a resent message is answered, not applied again.</summary>
    public int ReceiptRetentionMinutes { get; set; } = 60;

    /// <summary>Messages accepted but not yet answered; more make the inbox wait (back-pressure).</summary>
    public int MaxInFlight { get; set; } = 4096;

    internal string? Validate()
    {
        if (string.IsNullOrWhiteSpace(NodeName) || NodeName.Contains('/'))
        {
            return "MetaManager:NodeName must be a node name (no '/')";
        }

        if (RemoteQueryTimeoutSeconds is < 1 or > 3600)
        {
            return "MetaManager:RemoteQueryTimeoutSeconds must be between 1 and 3600";
        }

        if (VolumeTimeoutSeconds is < 1 or > 3600)
        {
            return "MetaManager:VolumeTimeoutSeconds must be between 1 and 3600";
        }

        if (PodStatusSyncIntervalSeconds < 0)
        {
            return "MetaManager:PodStatusSyncIntervalSeconds must be 0 (off) or more";
        }

        if (ReceiptRetentionMinutes < 1)
        {
            return "MetaManager:ReceiptRetentionMinutes must be at least 1";
        }

        return MaxInFlight is < 1 or > 1_000_000 ? "MetaManager:MaxInFlight must be between 1 and 1000000" : null;
    }
}
