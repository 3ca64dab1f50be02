namespace MetaServer.Domain.Messages;

/// <summary>Why bytes read from a socket are not a beehive frame (<see cref="SocketFraming"/>).</summary>
public enum FrameError
{
    /// <summary>The first eight bytes are not beehive's tag: the peer does not speak this framing.</summary>
    BadTag,

    /// <summary>The announced length is over the configured maximum; nothing of it is read into memory.</summary>
    TooLarge,

    /// <summary>The stream ended inside a frame.</summary>
    Truncated,

    /// <summary>The frame's body is not the JSON of a message.</summary>
    NotAMessage,
}

/// <summary>
/// A frame that cannot be read. After one the stream's position inside the framing is lost, so the only safe
/// thing a reader can do is close the connection; <see cref="Reason"/> says what was wrong, for the log.
/// </summary>
public sealed class MessageFrameException(FrameError reason, string message) : Exception(message)
{
    public FrameError Reason { get; } = reason;
}
