using System.Collections.Concurrent;

namespace MetaServer.Data;

/// <summary>Read sessions kept open for reuse; at most <c>max</c> idle ones are kept, any number may be lent.</summary>
internal sealed class ReadSessionPool(string connectionString, int max) : IDisposable
{
    private readonly ConcurrentBag<ReadSession> _idle = [];
    private int _idleCount;
    private bool _disposed;

    public ReadSession Rent()
    {
        if (_idle.TryTake(out var session))
        {
            Interlocked.Decrement(ref _idleCount);
            return session;
        }

        return new ReadSession(connectionString);
    }

    public void Return(ReadSession session)
    {
        if (_disposed || Interlocked.Increment(ref _idleCount) > max)
        {
            Interlocked.Decrement(ref _idleCount);
            session.Dispose();
            return;
        }

        _idle.Add(session);
    }

    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryTake(out var session))
        {
            session.Dispose();
        }
    }
}
