namespace MetaServer.Domain.Messages;

/// <summary>Where the MetaManager sends a message on.</summary>
[Flags]
public enum MessageTargets
{
    None = 0,

    /// <summary>The node agent (edged).</summary>
    Agent = 1,

    /// <summary>The cloud, through the cloud link (group <c>hub</c>).</summary>
    Cloud = 2,

    /// <summary>The device twin, with the route set to source <c>meta</c> and group <c>twin</c>.</summary>
    Twin = 4,
}
