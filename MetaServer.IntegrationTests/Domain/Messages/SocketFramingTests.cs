using System.Text;
using System.Text.Json.Nodes;
using MetaServer.Domain.Messages;

namespace MetaServer.IntegrationTests.Domain.Messages;

/// <summary>Beehive's socket framing: "beehv1rv", a big-endian length, the JSON; and every way a frame can be wrong.</summary>
public sealed class SocketFramingTests
{
    private const int Max = 1024;

    private static Message Sample(string content = "hello") =>
        Message.Create(ModuleNames.Edged, GroupNames.Meta, Operations.Query, "default/pod/p", JsonValue.Create(content), new FixedClock());

    /// <summary>A frame built byte by byte, independently of the code under test.</summary>
    private static byte[] Frame(byte[] tag, uint length, byte[] body) =>
        [.. tag, (byte)(length >> 24), (byte)(length >> 16), (byte)(length >> 8), (byte)length, .. body];

    private static byte[] Frame(string json) => Frame("beehv1rv"u8.ToArray(), (uint)Encoding.UTF8.GetByteCount(json), Encoding.UTF8.GetBytes(json));

    private static ValueTask<Message?> Read(byte[] bytes, int max = Max) => SocketFraming.ReadAsync(new MemoryStream(bytes), max);

    [Fact]
    public void A_frame_is_the_tag_then_the_big_endian_length_then_the_json()
    {
        // 300 bytes of JSON, so the length has two non-zero bytes in a known order: 00 00 01 2C.
        var probe = MessageJson.ToUtf8Bytes(Sample(""));
        var message = Sample(new string('x', 300 - probe.Length));
        var json = MessageJson.ToUtf8Bytes(message);
        Assert.Equal(300, json.Length);

        var frame = SocketFraming.Write(message);

        Assert.Equal("beehv1rv"u8.ToArray(), frame[..8]);
        Assert.Equal(new byte[] { 0x00, 0x00, 0x01, 0x2C }, frame[8..12]);
        Assert.Equal(json, frame[12..]);
    }

    [Fact]
    public async Task Frames_appended_to_one_buffer_are_the_frames_written_one_by_one_and_read_back_in_order()
    {
        // Text the encoder treats specially: HTML-sensitive characters, non-ASCII, an emoji, a quote, a control.
        Message[] messages = [Sample("<a & b>"), Sample("Grüße, 東京 🚀"), Sample("say \"hi\"\n"), Sample(new string('x', 70_000))];
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(16);

        foreach (var message in messages)
        {
            SocketFraming.WriteTo(buffer, message);
        }

        Assert.Equal(messages.SelectMany(SocketFraming.Write).ToArray(), buffer.WrittenSpan.ToArray());
        var stream = new MemoryStream(buffer.WrittenSpan.ToArray());
        foreach (var message in messages)
        {
            var read = await SocketFraming.ReadAsync(stream, 100_000);
            Assert.Equal(message.ContentText(), read!.ContentText());
        }
    }

    [Fact]
    public async Task A_written_frame_reads_back_as_the_same_message_and_frames_follow_each_other()
    {
        var first = Sample("one");
        var second = Sample("two") with { Header = Sample().Header with { ParentId = first.Header.Id, Sync = true } };
        var stream = new MemoryStream([.. SocketFraming.Write(first), .. SocketFraming.Write(second)]);

        var readFirst = await SocketFraming.ReadAsync(stream, Max);
        var readSecond = await SocketFraming.ReadAsync(stream, Max);

        Assert.Equal(MessageJson.ToUtf8Bytes(first), MessageJson.ToUtf8Bytes(readFirst!));
        Assert.Equal(MessageJson.ToUtf8Bytes(second), MessageJson.ToUtf8Bytes(readSecond!));
        Assert.Null(await SocketFraming.ReadAsync(stream, Max));
    }

    [Fact]
    public async Task A_frame_written_by_hand_is_read_and_the_reserved_bytes_are_not_checked()
    {
        const string json = """{"header":{"msg_id":"m1","timestamp":5,"sync":true},"route":{"source":"edged","operation":"query"},"content":"c"}""";
        var hand = Frame("beehv1xx"u8.ToArray(), (uint)json.Length, Encoding.UTF8.GetBytes(json));

        var message = await Read(hand);

        Assert.Equal("m1", message!.Header.Id);
        Assert.True(message.Header.Sync);
        Assert.Equal("c", message.ContentText());
    }

    [Fact]
    public async Task An_empty_stream_is_a_clean_end_not_an_error() => Assert.Null(await Read([]));

    [Theory]
    [InlineData("beehv2rv")]
    [InlineData("BEEHv1rv")]
    [InlineData("GET / HT")]
    public async Task A_wrong_tag_is_refused(string tag)
    {
        var e = await Assert.ThrowsAsync<MessageFrameException>(() => Read(Frame(Encoding.ASCII.GetBytes(tag), 2, "{}"u8.ToArray())).AsTask());
        Assert.Equal(FrameError.BadTag, e.Reason);
    }

    [Fact]
    public async Task A_short_stream_that_is_not_beehive_is_a_wrong_tag()
    {
        var e = await Assert.ThrowsAsync<MessageFrameException>(() => Read("hi\n"u8.ToArray()).AsTask());
        Assert.Equal(FrameError.BadTag, e.Reason);
    }

    [Theory]
    [InlineData(Max + 1u)]
    [InlineData(0x7FFFFFFFu)]
    [InlineData(0xFFFFFFFFu)] // negative as Go's int32: still refused, never allocated
    public async Task A_length_over_the_maximum_is_refused_before_reading_the_body(uint length)
    {
        var e = await Assert.ThrowsAsync<MessageFrameException>(() => Read(Frame("beehv1rv"u8.ToArray(), length, [])).AsTask());
        Assert.Equal(FrameError.TooLarge, e.Reason);
        Assert.Contains(length.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message);
    }

    [Fact]
    public async Task A_length_equal_to_the_maximum_is_accepted()
    {
        var message = Sample();
        var json = MessageJson.ToUtf8Bytes(message);
        Assert.NotNull(await Read(Frame("beehv1rv"u8.ToArray(), (uint)json.Length, json), max: json.Length));
    }

    [Fact]
    public async Task A_stream_ending_inside_the_header_is_truncated()
    {
        var e = await Assert.ThrowsAsync<MessageFrameException>(() => Read("beehv1rv\0\0"u8.ToArray()).AsTask());
        Assert.Equal(FrameError.Truncated, e.Reason);
    }

    [Fact]
    public async Task A_stream_ending_inside_the_body_is_truncated()
    {
        var whole = Frame("""{"header":{"msg_id":"m"}}""");
        var e = await Assert.ThrowsAsync<MessageFrameException>(() => Read(whole[..^3]).AsTask());
        Assert.Equal(FrameError.Truncated, e.Reason);
    }

    [Theory]
    [InlineData("{\"header\":")]
    [InlineData("not json")]
    [InlineData("null")]
    [InlineData("[1,2]")]
    [InlineData("\"a string\"")]
    [InlineData("")]
    public async Task A_body_that_is_not_a_message_is_refused(string json)
    {
        var e = await Assert.ThrowsAsync<MessageFrameException>(() => Read(Frame(json)).AsTask());
        Assert.Equal(FrameError.NotAMessage, e.Reason);
    }
}
