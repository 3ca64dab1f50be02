using System.Buffers;

namespace MetaServer.Domain.Protobuf;

/// <summary>
/// A growable protobuf output buffer (pooled). Nested messages are written in place: <see cref="BeginMessage"/>
/// reserves one byte for the length, <see cref="EndMessage"/> fills it in and, for a message of 128 bytes or
/// more, moves the content up to make room. A counting writer (<see cref="Counting"/>) keeps no bytes: it only
/// adds up how long the output would be, for a first pass that must know sizes before writing.
/// </summary>
public sealed class ProtoWriter : IDisposable
{
    private readonly bool _counting;
    private byte[] _buffer;

    public ProtoWriter(int capacity = 4096) => _buffer = ArrayPool<byte>.Shared.Rent(capacity);

    private ProtoWriter()
    {
        _counting = true;
        _buffer = [];
    }

    /// <summary>A writer that measures instead of writing: <see cref="Length"/> is all it gives.</summary>
    public static ProtoWriter Counting() => new();

    public int Length { get; private set; }

    public ReadOnlySpan<byte> WrittenSpan => _counting ? throw new InvalidOperationException("a counting writer keeps no bytes") : _buffer.AsSpan(0, Length);

    public ReadOnlyMemory<byte> WrittenMemory => _counting ? throw new InvalidOperationException("a counting writer keeps no bytes") : _buffer.AsMemory(0, Length);

    public void Clear() => Length = 0;

    public void WriteTag(int number, int wireType) => WriteVarint((ulong)((uint)number << 3 | (uint)wireType));

    public void WriteVarint(ulong value)
    {
        if (_counting)
        {
            Length += VarintSize(value);
            return;
        }

        Ensure(10);
        var buffer = _buffer;
        var at = Length;
        while (value >= 0x80)
        {
            buffer[at++] = (byte)(value | 0x80);
            value >>= 7;
        }

        buffer[at++] = (byte)value;
        Length = at;
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
        WriteTag(number, 2);
        var max = System.Text.Encoding.UTF8.GetMaxByteCount(value.Length);
        if (max < 128 && !_counting)
        {
            Ensure(1 + max);
            var written = System.Text.Encoding.UTF8.GetBytes(value, _buffer.AsSpan(Length + 1));
            _buffer[Length] = (byte)written;
            Length += 1 + written;
            return;
        }

        var count = System.Text.Encoding.UTF8.GetByteCount(value);
        WriteVarint((ulong)count);
        if (_counting)
        {
            Length += count;
            return;
        }

        Ensure(count);
        Length += System.Text.Encoding.UTF8.GetBytes(value, _buffer.AsSpan(Length));
    }

    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        if (!_counting)
        {
            Ensure(bytes.Length);
            bytes.CopyTo(_buffer.AsSpan(Length));
        }

        Length += bytes.Length;
    }

    /// <summary>Starts a length-delimited field whose content follows; returns where it starts, for <see cref="EndMessage"/>.</summary>
    public int BeginMessage(int number)
    {
        WriteTag(number, 2);
        if (!_counting)
        {
            Ensure(1);
        }

        Length += 1;
        return Length;
    }

    public void EndMessage(int start)
    {
        var length = Length - start;
        var size = VarintSize((ulong)length);
        if (_counting)
        {
            Length += size - 1;
            return;
        }

        if (size > 1)
        {
            Ensure(size - 1);
            _buffer.AsSpan(start, length).CopyTo(_buffer.AsSpan(start + size - 1));
            Length += size - 1;
        }

        var at = start - 1;
        var value = (uint)length;
        while (value >= 0x80)
        {
            _buffer[at++] = (byte)(value | 0x80);
            value >>= 7;
        }

        _buffer[at] = (byte)value;
    }

    public void Dispose()
    {
        if (!_counting)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        _buffer = [];
    }

    internal static int VarintSize(ulong value) => (64 - System.Numerics.BitOperations.LeadingZeroCount(value | 1) + 6) / 7;

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
