namespace MetaServer.Domain.Tables;

/// <summary>
/// The Table's own <c>metadata</c>: the list's resourceVersion and paging fields, or for a single object its
/// resourceVersion. Empty values are left out of the JSON, as in a ListMeta.
/// </summary>
public sealed record TableListMeta(string? ResourceVersion, string? Continue = null, long? RemainingItemCount = null)
{
    public static TableListMeta Empty { get; } = new(ResourceVersion: null);
}
