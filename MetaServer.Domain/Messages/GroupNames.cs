namespace MetaServer.Domain.Messages;

/// <summary>
/// Group names: the groups edge modules belong to (a message sent to a group reaches every module in it), and the
/// groups cloud messages are addressed to, which the hub maps onto them.
/// </summary>
public static class GroupNames
{
    // Groups of the edge modules.
    /// <summary>The cloud link; sending to this group sends to the cloud.</summary>
    public const string Hub = "hub";
    /// <summary>The MetaManager's group.</summary>
    public const string Meta = "meta";
    public const string Twin = "twin";
    public const string Edged = "edged";
    public const string Bus = "bus";
    public const string EdgeStream = "edgestream";

    // Groups on cloud messages: resource and func go to meta, twin to twin, user to bus.
    /// <summary>Metadata sent between the cloud and the MetaManager.</summary>
    public const string Resource = "resource";
    public const string Func = "func";
    public const string User = "user";
}
