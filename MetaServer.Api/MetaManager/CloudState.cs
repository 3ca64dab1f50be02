namespace MetaServer.Api.MetaManager;

/// <summary>
/// Whether the cloud link is up, as the link last broadcast it (KubeEdge's node connection message). The
/// MetaManager asks the cloud while connected and answers from the store otherwise. Standalone: never connected.
/// </summary>
internal sealed class CloudState(TimeProvider clock)
{
    private volatile bool _connected;
    private long _changedAt = clock.GetUtcNow().ToUnixTimeMilliseconds();

    public bool Connected => _connected;

    public DateTimeOffset ChangedAt => DateTimeOffset.FromUnixTimeMilliseconds(Interlocked.Read(ref _changedAt));

    /// <summary>Records the new state; true if it changed.</summary>
    public bool Set(bool connected)
    {
        if (_connected == connected)
        {
            return false;
        }

        _connected = connected;
        Interlocked.Exchange(ref _changedAt, clock.GetUtcNow().ToUnixTimeMilliseconds());
        return true;
    }
}
