using System.Buffers;

namespace MetaServer.Domain.Protobuf;

/// <summary>
/// A growable protobuf output buffer (pooled). Nested messages are written in place: <see cref="BeginMessage"/>
/// reserves room for the length, <see cref="EndMessage"/> fills it in and closes the gap.
/// </summary>
public sealed class ProtoWriter : IDisposable
{
    private const int LengthRoom = 5;
    private byte[] _buffer;

    public ProtoWriter(int capacity = 4096) => _buffer = ArrayPool<byte>.Shared.Rent(capacity);

    public int Length { get; private set; }

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, Length);

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, Length);

    public void Clear() => Length = 0;

    public void WriteTag(int number, int wireType) => WriteVarint((ulong)((uint)number << 3 | (uint)wireType));

    public void WriteVarint(ulong value)
    {
        Ensure(10);
        while (value >= 0x80)
        {
            _buffer[Length++] = (byte)(value | 0x80);
            value >>= 7;
        }

        _buffer[Length++] = (byte)value;
    }

    /// <summary>A varint field; negative numbers take ten bytes, as Go writes int32 and int64.</summary>
    public void WriteInt(int number, long value)
    {
        WriteTag(number, 0);
        WriteVarint((ulong)value);
    }

    public void WriteBytes(int number, ReadOnlySpan<byte> value)
    {
        WriteTag(number, 2);
        WriteVarint((ulong)value.Length);
        WriteRaw(value);
    }

    public void WriteString(int number, string value)
    {
        var max = System.Text.Encoding.UTF8.GetMaxByteCount(value.Length);
        WriteTag(number, 2);
        if (max < 128)
        {
            Ensure(1 + max);
            var written = System.Text.Encoding.UTF8.GetBytes(value, _buffer.AsSpan(Length + 1));
            _buffer[Length] = (byte)written;
            Length += 1 + written;
            return;
        }

        WriteVarint((ulong)System.Text.Encoding.UTF8.GetByteCount(value));
        Ensure(max);
        Length += System.Text.Encoding.UTF8.GetBytes(value, _buffer.AsSpan(Length));
    }

    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(Length));
        Length += bytes.Length;
    }

    /// <summary>Starts a length-delimited field whose content follows; returns where it starts, for <see cref="EndMessage"/>.</summary>
    public int BeginMessage(int number)
    {
        WriteTag(number, 2);
        Ensure(LengthRoom);
        Length += LengthRoom;
        return Length;
    }

    public void EndMessage(int start)
    {
        var length = Length - start;
        Span<byte> prefix = stackalloc byte[LengthRoom];
        var size = 0;
        var value = (uint)length;
        while (value >= 0x80)
        {
            prefix[size++] = (byte)(value | 0x80);
            value >>= 7;
        }

        prefix[size++] = (byte)value;
        var at = start - LengthRoom;
        prefix[..size].CopyTo(_buffer.AsSpan(at));
        if (size < LengthRoom)
        {
            _buffer.AsSpan(start, length).CopyTo(_buffer.AsSpan(at + size));
            Length -= LengthRoom - size;
        }
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    private void Ensure(int more)
    {
        if (Length + more <= _buffer.Length)
        {
            return;
        }

        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, Length + more));
        _buffer.AsSpan(0, Length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }
}
