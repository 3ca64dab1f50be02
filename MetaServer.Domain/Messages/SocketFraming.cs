using System.Buffers;
using System.Buffers.Binary;

namespace MetaServer.Domain.Messages;

/// <summary>
/// KubeEdge beehive's framing of messages on a stream socket (its "package" reader and writer): a 12-byte header,
/// then the message's UTF-8 JSON. The header is the 8-byte tag <c>beehv1rv</c> (magic <c>beeh</c>, version
/// <c>v1</c>, reserved <c>rv</c>) and the JSON's length as a 4-byte big-endian integer; there are no other fields.
/// </summary>
/// <remarks>
/// Like beehive's reader, only the magic and the version are checked: the two reserved bytes are for a later
/// version of the header and are ignored, so a peer that fills them differently is still understood. Frames are
/// always written with <c>rv</c>.
/// </remarks>
public static class SocketFraming
{
    /// <summary>Tag and length.</summary>
    public const int HeaderSize = 12;

    /// <summary>Bytes of the tag that identify the framing (magic and version); the reserved two follow.</summary>
    private const int CheckedTagSize = 6;

    /// <summary>The default largest JSON body accepted: a message carries one object, and a peer must not be
    /// able to make the reader allocate whatever a length field announces.</summary>
    public const int DefaultMaxFrameSize = 4 * 1024 * 1024;

    private static ReadOnlySpan<byte> Tag => "beehv1rv"u8;

    /// <summary>The frame of a message: header and compact JSON, as <see cref="MessageJson"/> writes it.</summary>
    public static byte[] Write(Message message)
    {
        var frame = new ArrayBufferWriter<byte>(1024);
        WriteTo(frame, message);
        return frame.WrittenSpan.ToArray();
    }

    /// <summary>Appends the frame of a message to <paramref name="output"/> (several frames can share one write).</summary>
    public static void WriteTo(ArrayBufferWriter<byte> output, Message message)
    {
        var start = output.WrittenCount;
        Tag.CopyTo(output.GetSpan(HeaderSize));
        output.Advance(HeaderSize);
        MessageJson.WriteTo(output, message);

        var length = output.WrittenCount - start - HeaderSize;
        // The header was written first; its length is filled in now that the body's is known.
        BinaryPrimitives.WriteInt32BigEndian(System.Runtime.InteropServices.MemoryMarshal.AsMemory(output.WrittenMemory).Span.Slice(start + Tag.Length, 4), length);
    }

    /// <summary>The length of the body a header announces; a <see cref="MessageFrameException"/> for a header that is
    /// not beehive's or a length over <paramref name="maxFrameSize"/> (a negative length is read as a huge one).</summary>
    public static int ReadHeader(ReadOnlySpan<byte> header, int maxFrameSize)
    {
        if (header.Length < HeaderSize)
        {
            throw new MessageFrameException(FrameError.Truncated, $"frame header has {header.Length} of {HeaderSize} bytes");
        }

        if (!header[..CheckedTagSize].SequenceEqual(Tag[..CheckedTagSize]))
        {
            throw new MessageFrameException(FrameError.BadTag, $"frame does not start with the tag \"beehv1\" (got {Convert.ToHexString(header[..Tag.Length])})");
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(header[Tag.Length..HeaderSize]);
        return length <= (uint)maxFrameSize
            ? (int)length
            : throw new MessageFrameException(FrameError.TooLarge, $"frame announces {length} bytes, more than the maximum of {maxFrameSize}");
    }

    /// <summary>The message in a frame's body; a <see cref="MessageFrameException"/> if it is not one.</summary>
    public static Message ReadBody(ReadOnlySpan<byte> json) =>
        MessageJson.TryRead(json, out var message, out var error)
            ? message
            : throw new MessageFrameException(FrameError.NotAMessage, error);

    /// <summary>
    /// Reads the next frame's message; null when the stream ends cleanly between frames (the peer hung up). At most
    /// <paramref name="maxFrameSize"/> bytes of body are buffered, and only after the header announced them.
    /// </summary>
    public static async ValueTask<Message?> ReadAsync(Stream stream, int maxFrameSize, CancellationToken cancellationToken = default)
    {
        var header = new byte[HeaderSize];
        var got = await stream.ReadAtLeastAsync(header, HeaderSize, throwOnEndOfStream: false, cancellationToken);
        if (got == 0)
        {
            return null;
        }

        // A short header is checked before it is called truncated: a peer speaking something else is told so.
        if (got < HeaderSize && !header.AsSpan(0, Math.Min(got, CheckedTagSize)).SequenceEqual(Tag[..Math.Min(got, CheckedTagSize)]))
        {
            throw new MessageFrameException(FrameError.BadTag, $"frame does not start with the tag \"beehv1\" (got {Convert.ToHexString(header, 0, got)})");
        }

        var length = ReadHeader(header.AsSpan(0, got), maxFrameSize);
        var body = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var read = await stream.ReadAtLeastAsync(body.AsMemory(0, length), length, throwOnEndOfStream: false, cancellationToken);
            return read < length
                ? throw new MessageFrameException(FrameError.Truncated, $"stream ended after {read} of the {length} bytes the frame announced")
                : ReadBody(body.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body);
        }
    }
}
