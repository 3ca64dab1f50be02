using System.Collections.Concurrent;
using MetaServer.IntegrationTests.Infrastructure;

namespace MetaServer.IntegrationTests.MetaManager;

/// <summary>
/// The test playing the cloud on the server's Unix socket (the server runs with <c>Bus:SocketModule=websocket</c>, so
/// the MetaManager's OK answers come back here): a steady stream of configmap inserts, and the names of those the
/// server acknowledged. Runs until stopped or until the server goes away.
/// </summary>
public sealed class CloudPeerLoad : IAsyncDisposable
{
    // ~2 KB of data per object, about the size of a small pod.
    private static readonly string Pad = new('x', 2048);

    private readonly BeehiveSocketClient _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, string> _sent = new();
    private readonly Task _reader;
    private readonly Task _writer;

    private CloudPeerLoad(BeehiveSocketClient socket, string prefix, ConcurrentDictionary<string, string> acknowledged)
    {
        _socket = socket;
        _reader = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    var answer = await socket.ReceiveAsync();
                    if (answer["content"]?.GetValue<string>() == "OK" && _sent.TryGetValue(answer["header"]!["parent_msg_id"]!.GetValue<string>(), out var name))
                    {
                        acknowledged[name] = name;
                    }
                }
            }
            catch (Exception)
            {
                // The server closed the socket (stopped or killed).
            }
        });
        _writer = Task.Run(async () =>
        {
            try
            {
                for (var n = 0; !_stop.IsCancellationRequested; n++)
                {
                    var name = $"{prefix}-{n}";
                    var id = Guid.NewGuid().ToString();
                    _sent[id] = name;
                    await socket.SendJsonAsync($$$"""
                        {"header":{"msg_id":"{{{id}}}","timestamp":1},"route":{"source":"edgecontroller","group":"resource","operation":"insert","resource":"default/configmap/{{{name}}}"},
                         "content":{"metadata":{"name":"{{{name}}}","namespace":"default"},"data":{"n":"{{{n}}}","pad":"{{{Pad}}}"} } }
                        """);
                    if (n % 50 == 49)
                    {
                        await Task.Delay(5);
                    }
                }
            }
            catch (Exception)
            {
                // The server is gone.
            }
        });
    }

    /// <summary>Connects to the socket and starts sending; acknowledged names are added to <paramref name="acknowledged"/>.</summary>
    public static async Task<CloudPeerLoad> StartAsync(string socketPath, string prefix, ConcurrentDictionary<string, string> acknowledged) =>
        new(await BeehiveSocketClient.ConnectAsync(socketPath), prefix, acknowledged);

    /// <summary>Stops sending and waits for both loops (the reader ends when the server closes the socket).</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_reader, _writer);
        _socket.Dispose();
        _stop.Dispose();
    }
}
