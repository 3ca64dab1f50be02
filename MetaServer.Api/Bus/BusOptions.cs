namespace MetaServer.Api.Bus;

/// <summary>Settings of the message bus (section "Bus").</summary>
public sealed class BusOptions
{
    public const string Section = "Bus";

    /// <summary>Messages a module may have waiting; a sender to a full module waits (back-pressure), memory stays bounded.</summary>
    public int QueueCapacity { get; set; } = 1024;

    internal string? Validate() => QueueCapacity < 1 ? "Bus:QueueCapacity must be at least 1" : null;
}
