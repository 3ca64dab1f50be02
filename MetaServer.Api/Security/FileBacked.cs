namespace MetaServer.Api.Security;

/// <summary>
/// A value loaded from files (a certificate and its key, a CA bundle) and loaded again when they change on disk,
/// so certificates rotate without a restart. The files are looked at when the value is read, at most once per
/// interval and by one reader at a time; a reload that fails (a pair caught half-written) keeps the previous value.
/// </summary>
internal sealed partial class FileBacked<T> where T : class
{
    private readonly string[] _paths;
    private readonly Func<T> _load;
    private readonly long _intervalMs;
    private readonly ILogger _logger;
    private volatile State _state;
    private int _checking;

    public FileBacked(string[] paths, Func<T> load, TimeSpan interval, ILogger logger)
    {
        _paths = paths;
        _load = load;
        _intervalMs = (long)interval.TotalMilliseconds;
        _logger = logger;
        _state = new State(load(), Signature(paths), Environment.TickCount64);
    }

    /// <summary>Raised after a successful reload, with the new value.</summary>
    public event Action<T>? Reloaded;

    public T Current
    {
        get
        {
            var state = _state;
            if (Environment.TickCount64 - state.CheckedAt >= _intervalMs && Interlocked.Exchange(ref _checking, 1) == 0)
            {
                try
                {
                    state = Refresh(state);
                }
                finally
                {
                    Volatile.Write(ref _checking, 0);
                }
            }

            return state.Value;
        }
    }

    private State Refresh(State state)
    {
        var signature = Signature(_paths);
        if (signature.SequenceEqual(state.Signature))
        {
            _state = state with { CheckedAt = Environment.TickCount64 };
            return _state;
        }

        try
        {
            var value = _load();
            _state = new State(value, signature, Environment.TickCount64);
            Log.Reloaded(_logger, string.Join(", ", _paths));
            Reloaded?.Invoke(value);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            // Keep serving the previous value; the next look retries (the other file of a pair may still be on its way).
            _state = state with { CheckedAt = Environment.TickCount64 };
            Log.ReloadFailed(_logger, string.Join(", ", _paths), ex.Message);
        }

        return _state;
    }

    private static (long Ticks, long Length)[] Signature(string[] paths)
    {
        var signature = new (long, long)[paths.Length];
        for (var i = 0; i < paths.Length; i++)
        {
            var file = new FileInfo(paths[i]);
            signature[i] = file.Exists ? (file.LastWriteTimeUtc.Ticks, file.Length) : (0, -1);
        }

        return signature;
    }

    private sealed record State(T Value, (long Ticks, long Length)[] Signature, long CheckedAt);

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Reloaded {Files} after they changed on disk")]
        public static partial void Reloaded(ILogger logger, string files);

        [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Could not reload {Files}, keeping the previous ones: {Reason}")]
        public static partial void ReloadFailed(ILogger logger, string files, string reason);
    }
}
