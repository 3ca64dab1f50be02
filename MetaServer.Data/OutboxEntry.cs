namespace MetaServer.Data;

/// <summary>A node-owned write waiting for the cloud: which object (and subresource), and the newest entry for it.</summary>
public sealed record OutboxEntry(long Id, string Key, string Gvr, string Namespace, string Name, string Subresource);
