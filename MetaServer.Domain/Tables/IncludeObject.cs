namespace MetaServer.Domain.Tables;

/// <summary>What each table row carries besides its cells, chosen by the <c>includeObject</c> query parameter.</summary>
public enum IncludeObject
{
    /// <summary>A PartialObjectMetadata with the object's metadata; the default when the parameter is absent.</summary>
    Metadata,

    /// <summary>The whole object as stored.</summary>
    Object,

    /// <summary>No object: the row's <c>object</c> is null.</summary>
    None,
}
