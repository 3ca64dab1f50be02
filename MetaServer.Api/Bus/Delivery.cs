namespace MetaServer.Api.Bus;

/// <summary>What became of a message handed to <see cref="MessageBus.TrySend"/>.</summary>
internal enum Delivery
{
    Delivered,

    /// <summary>No module of that name is registered (or the bus is closed).</summary>
    NoModule,

    /// <summary>The module's queue is full: it is not keeping up.</summary>
    Full,
}
