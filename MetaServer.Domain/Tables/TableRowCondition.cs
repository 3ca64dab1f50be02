namespace MetaServer.Domain.Tables;

/// <summary>
/// A condition attached to a table row. The apiserver marks rows of finished pods "Completed" so clients can tell
/// them apart without reading the object.
/// </summary>
public sealed record TableRowCondition(string Type, string Status, string Reason, string Message);
