namespace MetaServer.Data;

/// <summary>The kind of a committed change, named as watch events name them.</summary>
public enum ChangeType
{
    Added,
    Modified,
    Deleted,
}
