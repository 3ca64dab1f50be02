using System.Buffers;
using System.Collections.Concurrent;
using System.Net.Sockets;
using MetaServer.Domain.Messages;
using Microsoft.Extensions.Options;

namespace MetaServer.Api.Bus;

/// <summary>
/// Makes the bus reachable from another process on the node (the node agent) through a Unix socket speaking
/// beehive's framing (<see cref="SocketFraming"/>). The peer is one module on the bus (<c>edged</c> by default):
/// what the bus queues for it is written to the most recently connected peer, and what a peer writes is delivered
/// to the target module (the MetaManager by default), or to the sender waiting for it when it is an answer.
/// </summary>
/// <remarks>
/// The module's mailbox is bounded and a message leaves it only once written, so with no peer connected (or a peer
/// that does not read) senders wait rather than memory growing. A peer that sends a malformed frame loses its
/// connection, since after one the framing cannot be found again; other peers are not affected.
/// </remarks>
internal sealed partial class SocketBridge(MessageBus bus, IOptions<SocketOptions> options, ILogger<SocketBridge> logger) : BackgroundService
{
    /// <summary>The source of the error the bridge itself answers when the target module cannot take a message.</summary>
    public const string ErrorSource = "socketbridge";

    private readonly SocketOptions _options = options.Value;
    private readonly Lock _gate = new();
    private readonly List<Peer> _peers = [];
    private readonly ConcurrentDictionary<Peer, Task> _serving = new();
    private TaskCompletionSource _peerJoined = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Socket? _listener;
    private Mailbox? _mailbox;
    private string? _path;
    private int _lastPeerId;

    /// <summary>
    /// Binds the socket and registers the module before the host finishes starting, so a socket that cannot be
    /// created stops start-up, and the module exists before anything sends to it.
    /// </summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (!_options.Enabled)
        {
            return Task.CompletedTask;
        }

        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Bus:SocketPath: the bus socket needs Unix file modes");
        }

        _path = Path.GetFullPath(_options.SocketPath!);
        _listener = SocketFile.Bind(_path, _options.SocketGroup);
        _mailbox = bus.Register(_options.SocketModule, GroupNames.Edged);
        Log.Listening(logger, _path, _options.SocketModule, _options.SocketTarget);
        return base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(AcceptAsync(_listener!, stoppingToken), ForwardAsync(_mailbox!, stoppingToken));

    /// <summary>Stops accepting, closes every connection, waits for their readers and removes the socket file.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_listener is null)
        {
            return;
        }

        _listener.Dispose();
        try
        {
            await base.StopAsync(cancellationToken);
        }
        finally
        {
            Peer[] peers;
            lock (_gate)
            {
                peers = [.. _peers];
            }

            foreach (var peer in peers)
            {
                peer.Close();
            }

            await Task.WhenAll(_serving.Values).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            SocketFile.Delete(_path!);
        }
    }

    private async Task AcceptAsync(Socket listener, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await listener.AcceptAsync(stoppingToken);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e) when (!stoppingToken.IsCancellationRequested)
            {
                // Out of descriptors and the like: wait a little rather than spin.
                Log.AcceptFailed(logger, e.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(100), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }
            catch (SocketException)
            {
                return;
            }

            var peer = new Peer(connection, Interlocked.Increment(ref _lastPeerId));
            lock (_gate)
            {
                _peers.Add(peer);
                _peerJoined.TrySetResult();
                _peerJoined = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            Log.PeerConnected(logger, peer.Id);
            var serving = ServeAsync(peer, stoppingToken);
            _serving[peer] = serving;
            // Removed only once added, however fast the peer goes.
            _ = serving.ContinueWith(done => _serving.TryRemove(peer, out Task? _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    /// <summary>Reads a peer's frames until it hangs up or sends a malformed one, and delivers each message.</summary>
    private async Task ServeAsync(Peer peer, CancellationToken stoppingToken)
    {
        // Off the accept loop at once: frames already waiting would otherwise be read on its turn.
        await Task.Yield();
        try
        {
            // Frames are read through a buffer: one receive brings in many small frames, not two receives per frame.
            // Not disposed here: the connection is closed by Drop, after the reason has been logged.
#pragma warning disable CA2000
            var input = new BufferedStream(peer.Stream, 64 * 1024);
#pragma warning restore CA2000
            while (await SocketFraming.ReadAsync(input, _options.SocketMaxFrameSize, stoppingToken) is { } message)
            {
                // SendAsync hands an answer to a pending send-and-wait first (what SendResponse does), and queues
                // anything else for the target; asking SendResponse first would log every ordinary answer as unclaimed.
                if (await bus.SendAsync(_options.SocketTarget, message, stoppingToken))
                {
                    continue;
                }

                // Never answer an error with an error: two sides doing that would never stop.
                if (message.Route.Operation != MetaServer.Domain.Messages.Operations.Error)
                {
                    var error = message.Error($"module {_options.SocketTarget} cannot take messages", ErrorSource);
                    await peer.WriteAsync(SocketFraming.Write(error), stoppingToken);
                }
            }

            Log.PeerLeft(logger, peer.Id);
        }
        catch (MessageFrameException e)
        {
            Log.MalformedFrame(logger, peer.Id, e.Reason, e.Message);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            Log.PeerLost(logger, peer.Id, e.Message);
        }
        finally
        {
            Drop(peer);
        }
    }

    /// <summary>
    /// Writes what the bus queues for the peer's module to the latest peer, what is queued at the time in one write
    /// (up to ~64 KB of frames: one system call, and one wake-up of the peer, for a burst of answers). Messages taken
    /// from the mailbox are kept until they were written; if the write fails, that peer is dropped and they go to the
    /// next one, first.
    /// </summary>
    private async Task ForwardAsync(Mailbox mailbox, CancellationToken stoppingToken)
    {
        var taken = new List<Message>();
        var frames = new ArrayBufferWriter<byte>(ForwardWriteSize);
        try
        {
            while (taken.Count > 0 || await mailbox.Inbox.WaitToReadAsync(stoppingToken))
            {
                var peer = await LatestPeerAsync(stoppingToken);
                frames.ResetWrittenCount();
                foreach (var message in taken)
                {
                    SocketFraming.WriteTo(frames, message);
                }

                while (frames.WrittenCount < ForwardWriteSize && mailbox.Inbox.TryRead(out var next))
                {
                    taken.Add(next);
                    SocketFraming.WriteTo(frames, next);
                }

                if (taken.Count == 0)
                {
                    continue;
                }

                try
                {
                    await peer.WriteAsync(frames.WrittenMemory, stoppingToken);
                    taken.Clear();
                }
                catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
                {
                    Log.PeerLost(logger, peer.Id, e.Message);
                    Drop(peer);
                }

                if (frames.Capacity > 16 * ForwardWriteSize)
                {
                    // One large message grew the buffer; bursts of answers need only the usual size.
                    frames = new ArrayBufferWriter<byte>(ForwardWriteSize);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private const int ForwardWriteSize = 64 * 1024;

    private async Task<Peer> LatestPeerAsync(CancellationToken stoppingToken)
    {
        while (true)
        {
            Task joined;
            lock (_gate)
            {
                if (_peers.Count > 0)
                {
                    return _peers[^1];
                }

                joined = _peerJoined.Task;
            }

            await joined.WaitAsync(stoppingToken);
        }
    }

    private void Drop(Peer peer)
    {
        lock (_gate)
        {
            _peers.Remove(peer);
        }

        peer.Close();
    }

    /// <summary>One connection; writes are serialized because the forwarder and the reader (errors) both write.</summary>
    private sealed class Peer(Socket socket, int id)
    {
        private readonly SemaphoreSlim _writing = new(1, 1);

        public int Id { get; } = id;

        public NetworkStream Stream { get; } = new(socket, ownsSocket: true);

        public async Task WriteAsync(ReadOnlyMemory<byte> frames, CancellationToken cancellationToken)
        {
            await _writing.WaitAsync(cancellationToken);
            try
            {
                await Stream.WriteAsync(frames, cancellationToken);
            }
            finally
            {
                _writing.Release();
            }
        }

        public void Close() => Stream.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 310, Level = LogLevel.Information, Message = "Bus socket listening on {Path}: peers are module {Module}, their messages go to {Target}")]
        public static partial void Listening(ILogger logger, string path, string module, string target);

        [LoggerMessage(EventId = 311, Level = LogLevel.Information, Message = "Bus socket peer {Peer} connected")]
        public static partial void PeerConnected(ILogger logger, int peer);

        [LoggerMessage(EventId = 312, Level = LogLevel.Information, Message = "Bus socket peer {Peer} hung up")]
        public static partial void PeerLeft(ILogger logger, int peer);

        [LoggerMessage(EventId = 313, Level = LogLevel.Warning, Message = "Bus socket peer {Peer} sent a malformed frame ({Reason}: {Detail}); its connection is closed")]
        public static partial void MalformedFrame(ILogger logger, int peer, FrameError reason, string detail);

        [LoggerMessage(EventId = 314, Level = LogLevel.Warning, Message = "Bus socket peer {Peer} lost: {Detail}")]
        public static partial void PeerLost(ILogger logger, int peer, string detail);

        [LoggerMessage(EventId = 315, Level = LogLevel.Warning, Message = "Bus socket cannot accept a connection: {Detail}")]
        public static partial void AcceptFailed(ILogger logger, string detail);
    }
}
