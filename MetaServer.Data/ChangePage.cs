namespace MetaServer.Data;

/// <summary>A page of the change log, read in one snapshot with the store's revision and compaction point.</summary>
public sealed record ChangePage(IReadOnlyList<CommittedChange> Changes, long Revision, long CompactedRevision);
