using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace MetaServer.IntegrationTests.Infrastructure;

/// <summary>A peer of the socket that frames by hand: tag, four length bytes high byte first, JSON.</summary>
public sealed class BeehiveSocketClient : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);

    public static async Task<BeehiveSocketClient> ConnectAsync(string path)
    {
        var client = new BeehiveSocketClient();
        using var timeout = new CancellationTokenSource(Timeout);
        await client._socket.ConnectAsync(new UnixDomainSocketEndPoint(path), timeout.Token);
        return client;
    }

    public Task SendJsonAsync(string json)
    {
        var body = Encoding.UTF8.GetBytes(json);
        var length = body.Length;
        return SendRawAsync([.. "beehv1rv"u8, (byte)(length >> 24), (byte)(length >> 16), (byte)(length >> 8), (byte)length, .. body]);
    }

    public async Task SendRawAsync(byte[] bytes)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await _socket.SendAsync(bytes, timeout.Token);
    }

    public async Task<JsonObject> ReceiveAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var header = new byte[12];
        await ReadExactlyAsync(header, timeout.Token);
        Assert.Equal("beehv1rv"u8.ToArray(), header[..8]);
        var length = (header[8] << 24) | (header[9] << 16) | (header[10] << 8) | header[11];
        var body = new byte[length];
        await ReadExactlyAsync(body, timeout.Token);
        return JsonNode.Parse(body)!.AsObject();
    }

    /// <summary>Whether the server closed the connection: a read ends (0 bytes) or is reset, within the timeout.</summary>
    public async Task<bool> IsClosedByServerAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var buffer = new byte[64];
        try
        {
            while (true)
            {
                if (await _socket.ReceiveAsync(buffer, timeout.Token) == 0)
                    return true;
            }
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task ReadExactlyAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var got = await _socket.ReceiveAsync(buffer.AsMemory(read), cancellationToken);
            Assert.True(got > 0, "the server closed the connection");
            read += got;
        }
    }

    public void Dispose() => _socket.Dispose();
}

