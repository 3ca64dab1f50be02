namespace MetaServer.Data;

/// <summary>The SQLite file failed its check at open: it is reported, never served.</summary>
public sealed class StoreDamagedException(string path, string detail, Exception? inner = null)
    : Exception($"The database file {path} is damaged ({detail}). EdgeMeta will not serve it: restore it from a backup " +
        "(MetaServer.Api backup) or move it aside to start empty.", inner)
{
    public string FilePath { get; } = path;
}
