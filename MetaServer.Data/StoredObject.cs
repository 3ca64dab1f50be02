namespace MetaServer.Data;

/// <summary>One object as stored: its key, the revision that last changed it, and its JSON bytes.</summary>
public sealed record StoredObject(string Key, long ResourceVersion, string? UpstreamResourceVersion, byte[] Value);
