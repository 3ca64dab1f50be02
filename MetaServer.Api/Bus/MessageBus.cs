using System.Collections.Concurrent;
using MetaServer.Domain.Messages;

namespace MetaServer.Api.Bus;

/// <summary>
/// The in-process bus between modules, in beehive's role: named modules in groups, send to a module or to a
/// group, and send-and-wait, whose answer is the first message sent back with the request's id as its parent.
/// Every module queue is bounded, so a slow module slows its senders instead of growing memory.
/// </summary>
internal sealed partial class MessageBus(BusOptions options, ILogger<MessageBus> logger)
{
    private readonly ConcurrentDictionary<string, Mailbox> _modules = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<Message>> _waiting = new(StringComparer.Ordinal);
    private volatile bool _closed;

    /// <summary>Adds a module; its name must be unused.</summary>
    public Mailbox Register(string module, string group)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        var mailbox = new Mailbox(module, group, options.QueueCapacity);
        return _modules.TryAdd(module, mailbox)
            ? mailbox
            : throw new InvalidOperationException($"a module named {module} is already registered");
    }

    /// <summary>
    /// Queues a message for a module, waiting while its queue is full. An answer to a pending
    /// <see cref="SendSyncAsync"/> goes to that caller instead. False if the module is unknown or the bus is closed.
    /// </summary>
    public async ValueTask<bool> SendAsync(string module, Message message, CancellationToken cancellationToken = default)
    {
        if (Answers(message))
        {
            return true;
        }

        if (_closed || !_modules.TryGetValue(module, out var mailbox))
        {
            Log.Undeliverable(logger, message.Header.Id, module);
            return false;
        }

        try
        {
            await mailbox.Writer.WriteAsync(message, cancellationToken);
            return true;
        }
        catch (System.Threading.Channels.ChannelClosedException)
        {
            return false;
        }
    }

    /// <summary>
    /// Queues a message for a module without waiting: an answer to a pending <see cref="SendSyncAsync"/> goes to
    /// that caller; otherwise the message is queued if the module exists and has room. For senders that must
    /// not stall behind a module that stopped reading.
    /// </summary>
    public Delivery TrySend(string module, Message message)
    {
        if (Answers(message))
        {
            return Delivery.Delivered;
        }

        if (_closed || !_modules.TryGetValue(module, out var mailbox))
        {
            return Delivery.NoModule;
        }

        return mailbox.Writer.TryWrite(message) ? Delivery.Delivered : Delivery.Full;
    }

    /// <summary>Whether a module of that name is registered.</summary>
    public bool Has(string module) => _modules.ContainsKey(module);

    /// <summary>Queues a message for every module of a group; returns how many took it.</summary>
    public async ValueTask<int> SendToGroupAsync(string group, Message message, CancellationToken cancellationToken = default)
    {
        var delivered = 0;
        foreach (var mailbox in _modules.Values)
        {
            if (mailbox.Group == group && await SendAsync(mailbox.Module, message, cancellationToken))
            {
                delivered++;
            }
        }

        return delivered;
    }

    /// <summary>
    /// Sends a message marked synchronous and waits for its answer (a message whose parent id is this message's
    /// id, sent by anyone through <see cref="SendAsync"/> or <see cref="SendResponse"/>); a <see cref="TimeoutException"/>
    /// when none comes in time.
    /// </summary>
    public async Task<Message> SendSyncAsync(string module, Message message, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var request = message with { Header = message.Header with { Sync = true } };
        var answer = new TaskCompletionSource<Message>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_waiting.TryAdd(request.Header.Id, answer))
        {
            throw new InvalidOperationException($"message {request.Header.Id} is already waiting for an answer");
        }

        try
        {
            if (!await SendAsync(module, request, cancellationToken))
            {
                throw new InvalidOperationException($"module {module} cannot take messages");
            }

            return await answer.Task.WaitAsync(timeout, cancellationToken);
        }
        finally
        {
            _waiting.TryRemove(request.Header.Id, out _);
        }
    }

    /// <summary>Hands an answer to the caller waiting on its parent; false (and logged) when nobody waits for it.</summary>
    public bool SendResponse(Message response)
    {
        if (Answers(response))
        {
            return true;
        }

        Log.UnclaimedAnswer(logger, response.Header.Id, response.Header.ParentId);
        return false;
    }

    /// <summary>Stops the bus: modules see their inbox complete after what is queued; waiting callers are cancelled.</summary>
    public void Close()
    {
        _closed = true;
        foreach (var mailbox in _modules.Values)
        {
            mailbox.Writer.TryComplete();
        }

        foreach (var waiting in _waiting.Values)
        {
            waiting.TrySetCanceled();
        }
    }

    private bool Answers(Message message) =>
        message.Header.ParentId is { } parent && _waiting.TryGetValue(parent, out var waiting) && waiting.TrySetResult(message);

    private static partial class Log
    {
        [LoggerMessage(EventId = 300, Level = LogLevel.Warning, Message = "Message {MessageId} for module {Module} cannot be delivered: no such module, or the bus is closed")]
        public static partial void Undeliverable(ILogger logger, string messageId, string module);

        [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "Answer {MessageId} to {ParentId} arrived with nobody waiting for it")]
        public static partial void UnclaimedAnswer(ILogger logger, string messageId, string? parentId);
    }
}
