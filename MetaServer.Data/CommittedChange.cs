namespace MetaServer.Data;

/// <summary>One change as committed, handed to observers (the watch hub) in revision order after the commit.</summary>
public sealed record CommittedChange(
    long Revision,
    ChangeType Type,
    string Key,
    string Gvr,
    string Namespace,
    string Name,
    byte[] Value,
    string? Labels,
    string? Fields,
    string? PrevLabels,
    string? PrevFields);

/// <summary>Told of every committed batch, in order, on the writer's thread: must not block.</summary>
public interface IChangeObserver
{
    void OnCommitted(IReadOnlyList<CommittedChange> changes);
}
