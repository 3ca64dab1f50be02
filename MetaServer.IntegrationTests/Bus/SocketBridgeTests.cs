using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using MetaServer.Api.Bus;
using MetaServer.Domain.Messages;
using MetaServer.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MetaServer.IntegrationTests.Bus;

/// <summary>
/// The bus over a real Unix socket, driven by a client that frames by hand (so the wire bytes are checked
/// independently of SocketFraming). The peer's messages go to a test module, <c>echo</c>, which answers each one
/// to module <c>edged</c>, i.e. back through the socket.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class SocketBridgeTests : IAsyncLifetime
{
    private const string Echo = "echo";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly TempFolder _folder = new();
    private readonly LogCapture _logs = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<Message> _echoed = Channel.CreateUnbounded<Message>();
    private EdgeMetaServer _server = null!;
    private WebApplicationFactory<Program> _host = null!;

    private string SocketPath => Path.Combine(_folder.Path, "bus.sock");

    private MessageBus Bus => _host.Services.GetRequiredService<MessageBus>();

    public Task InitializeAsync()
    {
        (_server, _host) = Start(new() { ["Bus:SocketPath"] = SocketPath, ["Bus:SocketTarget"] = Echo });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _server.DisposeAsync();
        _folder.Dispose();
    }

    private (EdgeMetaServer Server, WebApplicationFactory<Program> Host) Start(Dictionary<string, string> settings)
    {
        var server = new EdgeMetaServer(settings: settings);
        var host = server.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(_logs)));
        _ = host.Services; // starts the host, and with it the socket
        return (server, host);
    }

    /// <summary>Registers the echo module: it records each message and answers it with its own content.</summary>
    private void StartEcho()
    {
        var echo = Bus.Register(Echo, "test");
        _ = Task.Run(async () =>
        {
            await foreach (var message in echo.Inbox.ReadAllAsync(_stop.Token))
            {
                _echoed.Writer.TryWrite(message);
                await Bus.SendAsync(ModuleNames.Edged, message.Response(message.Content?.DeepClone()), _stop.Token);
            }
        });
    }

    private static string Request(string id, string content, bool sync = false) =>
        $$"""{"header":{"msg_id":"{{id}}","timestamp":1718000000000{{(sync ? ",\"sync\":true" : "")}}},"route":{"source":"edged","group":"meta","operation":"query","resource":"default/pod/p"},"content":"{{content}}"}""";

    [Fact]
    public async Task A_frame_from_the_peer_reaches_the_target_and_its_answer_comes_back_framed()
    {
        StartEcho();
        using var client = await BeehiveSocketClient.ConnectAsync(SocketPath);

        await client.SendJsonAsync(Request("req-1", "ping", sync: true));

        var delivered = await _echoed.Reader.ReadAsync().AsTask().WaitAsync(Timeout);
        Assert.Equal("req-1", delivered.Header.Id);
        Assert.True(delivered.Header.Sync);
        Assert.Equal(1718000000000, delivered.Header.Timestamp);
        Assert.Equal(("edged", "meta", "query", "default/pod/p"), (delivered.Route.Source, delivered.Route.Group, delivered.Route.Operation, delivered.Route.Resource));
        Assert.Equal("ping", delivered.ContentText());

        var answer = await client.ReceiveAsync();
        Assert.Equal("req-1", (string?)answer["header"]!["parent_msg_id"]);
        Assert.Equal("response", (string?)answer["route"]!["operation"]);
        Assert.Equal("ping", (string?)answer["content"]);
    }

    [Fact]
    public async Task A_message_the_bus_sends_to_edged_arrives_as_a_frame_and_one_sent_before_anyone_connected_waits()
    {
        var early = Message.Create(ModuleNames.MetaManager, GroupNames.Edged, Operations.Update, "default/pod/early", JsonValue.Create("e"));
        Assert.True(await Bus.SendAsync(ModuleNames.Edged, early).AsTask().WaitAsync(Timeout));

        using var client = await BeehiveSocketClient.ConnectAsync(SocketPath);
        Assert.Equal(early.Header.Id, (string?)(await client.ReceiveAsync())["header"]!["msg_id"]);

        var later = Message.Create(ModuleNames.MetaManager, GroupNames.Edged, Operations.Insert, "default/configmap/c", new JsonObject { ["data"] = new JsonObject { ["k"] = "v" } });
        await Bus.SendAsync(ModuleNames.Edged, later);

        var frame = await client.ReceiveAsync();
        Assert.Equal(later.Header.Id, (string?)frame["header"]!["msg_id"]);
        Assert.Equal("insert", (string?)frame["route"]!["operation"]);
        Assert.Equal("v", (string?)frame["content"]!["data"]!["k"]);
    }

    [Fact]
    public async Task A_sync_request_from_the_server_side_is_answered_by_the_peer()
    {
        StartEcho();
        using var client = await BeehiveSocketClient.ConnectAsync(SocketPath);
        var question = Message.Create(ModuleNames.MetaManager, GroupNames.Edged, Operations.Query, "default/volume/v", JsonValue.Create("?"));

        var call = Bus.SendSyncAsync(ModuleNames.Edged, question, Timeout);
        var request = await client.ReceiveAsync();
        Assert.Equal(question.Header.Id, (string?)request["header"]!["msg_id"]);
        Assert.True((bool?)request["header"]!["sync"]);
        await client.SendJsonAsync($$"""{"header":{"msg_id":"ans-1","parent_msg_id":"{{question.Header.Id}}","timestamp":2},"route":{"source":"edged","operation":"response"},"content":"42"}""");

        var answer = await call.WaitAsync(Timeout);
        Assert.Equal("ans-1", answer.Header.Id);
        Assert.Equal("42", answer.ContentText());
        Assert.False(_echoed.Reader.TryRead(out _)); // the answer went to the caller, not to the target
    }

    [Fact]
    public async Task Messages_for_edged_go_to_the_most_recently_connected_peer()
    {
        StartEcho();
        using var first = await BeehiveSocketClient.ConnectAsync(SocketPath);
        await first.SendJsonAsync(Request("from-first", "1"));
        Assert.Equal("from-first", (string?)(await first.ReceiveAsync())["header"]!["parent_msg_id"]);

        using var second = await BeehiveSocketClient.ConnectAsync(SocketPath);
        await second.SendJsonAsync(Request("from-second", "2"));
        Assert.Equal("from-second", (string?)(await second.ReceiveAsync())["header"]!["parent_msg_id"]);

        // When the latest peer leaves, the one before it takes over.
        second.Dispose();
        await first.SendJsonAsync(Request("first-again", "3"));
        Assert.Equal("first-again", (string?)(await first.ReceiveAsync())["header"]!["parent_msg_id"]);
    }

    [Fact]
    public async Task A_message_for_a_module_that_does_not_exist_is_answered_with_an_error_on_the_same_connection()
    {
        // No echo module registered: the target is unknown.
        using var client = await BeehiveSocketClient.ConnectAsync(SocketPath);

        await client.SendJsonAsync(Request("lost-1", "x"));

        var error = await client.ReceiveAsync();
        Assert.Equal("lost-1", (string?)error["header"]!["parent_msg_id"]);
        Assert.Equal("error", (string?)error["route"]!["operation"]);
        Assert.Equal(SocketBridge.ErrorSource, (string?)error["route"]!["source"]);
        Assert.Contains(Echo, (string?)error["content"]);
    }

    public static TheoryData<string, byte[]> MalformedFrames => new()
    {
        { "BadTag", [.. "beehv2rv"u8, 0, 0, 0, 2, .. "{}"u8] },
        { "TooLarge", [.. "beehv1rv"u8, 0, 0x40, 0, 1] }, // 4 MiB + 1, the default maximum is 4 MiB
        { "NotAMessage", [.. "beehv1rv"u8, 0, 0, 0, 8, .. "{\"header"u8] },
    };

    [Theory]
    [MemberData(nameof(MalformedFrames))]
    public async Task A_malformed_frame_closes_only_that_connection_and_is_logged(string reason, byte[] frame)
    {
        StartEcho();
        using var good = await BeehiveSocketClient.ConnectAsync(SocketPath);
        await good.SendJsonAsync(Request("before", "b"));
        await good.ReceiveAsync();
        using var bad = await BeehiveSocketClient.ConnectAsync(SocketPath);

        await bad.SendRawAsync(frame);

        Assert.True(await bad.IsClosedByServerAsync());
        Assert.Contains(_logs.Entries, e => e.Level == LogLevel.Warning && e.Text.Contains("malformed frame", StringComparison.Ordinal) && e.Text.Contains(reason, StringComparison.Ordinal));

        await good.SendJsonAsync(Request("after", "a"));
        Assert.Equal("after", (string?)(await good.ReceiveAsync())["header"]!["parent_msg_id"]);

        using var next = await BeehiveSocketClient.ConnectAsync(SocketPath);
        await next.SendJsonAsync(Request("next", "n"));
        Assert.Equal("next", (string?)(await next.ReceiveAsync())["header"]!["parent_msg_id"]);
    }

    [Fact]
    public void The_socket_file_is_for_the_owner_only()
    {
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(SocketPath));
        // Nothing is left of the private directory the socket was bound in.
        Assert.Equal([SocketPath], Directory.GetFileSystemEntries(_folder.Path).Where(p => !p.EndsWith(".db", StringComparison.Ordinal) && !p.Contains(".db-", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task With_a_group_the_socket_file_is_given_that_group_and_mode_0660()
    {
        var gid = File.ReadLines("/proc/self/status").First(l => l.StartsWith("Gid:", StringComparison.Ordinal)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[1];
        // By name when /etc/group has one for it, which checks the lookup too.
        var name = File.ReadLines("/etc/group").Select(l => l.Split(':')).FirstOrDefault(f => f.Length > 2 && f[2] == gid)?[0] ?? gid;
        var path = Path.Combine(_folder.Path, "group.sock");
        var (server, _) = Start(new() { ["Bus:SocketPath"] = path, ["Bus:SocketGroup"] = name, ["Bus:SocketModule"] = "agent2" });
        await using var owned = server;

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite, File.GetUnixFileMode(path));
        Assert.Equal(gid, await Stat("%g", path));
    }

    [Fact]
    public async Task Shutdown_removes_the_socket_file_and_a_stale_one_is_replaced_at_start()
    {
        using (await BeehiveSocketClient.ConnectAsync(SocketPath))
        {
            Assert.True(File.Exists(SocketPath));
            await _server.DisposeAsync();
            Assert.False(File.Exists(SocketPath));
        }

        // A file left behind by a crash does not stop the next start.
        await File.WriteAllTextAsync(SocketPath, "stale");
        (_server, _host) = Start(new() { ["Bus:SocketPath"] = SocketPath, ["Bus:SocketTarget"] = Echo });
        StartEcho();
        using var client = await BeehiveSocketClient.ConnectAsync(SocketPath);
        await client.SendJsonAsync(Request("fresh", "f"));
        Assert.Equal("fresh", (string?)(await client.ReceiveAsync())["header"]!["parent_msg_id"]);
    }

    [Theory]
    [InlineData("Bus:SocketMaxFrameSize", "1000", "Bus:SocketMaxFrameSize must be at least 1024 bytes")]
    [InlineData("Bus:SocketPath", "/no/such/dir/bus.sock", "Bus:SocketPath's directory does not exist: /no/such/dir")]
    [InlineData("Bus:SocketTarget", "edged", "Bus:SocketTarget must differ from Bus:SocketModule")]
    public void An_invalid_socket_setting_stops_start_up_naming_it(string key, string value, string message)
    {
        var settings = new Dictionary<string, string> { ["Bus:SocketPath"] = Path.Combine(_folder.Path, "invalid.sock"), [key] = value };
        using var server = new EdgeMetaServer(settings: settings);

        var e = Record.Exception(() => server.Services);

        Assert.NotNull(e);
        Assert.Contains(message, e.ToString(), StringComparison.Ordinal);
    }

    private static async Task<string> Stat(string format, string path)
    {
        using var stat = Process.Start(new ProcessStartInfo("stat", ["-c", format, path]) { RedirectStandardOutput = true })!;
        var output = await stat.StandardOutput.ReadToEndAsync();
        await stat.WaitForExitAsync();
        return output.Trim();
    }

    /// <summary>Keeps what is logged, to assert that a warning was written.</summary>
    private sealed class LogCapture : ILoggerProvider
    {
        private readonly ConcurrentQueue<(LogLevel Level, string Text)> _entries = new();

        public IReadOnlyCollection<(LogLevel Level, string Text)> Entries => _entries;

        public ILogger CreateLogger(string categoryName) => new Logger(_entries);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<(LogLevel, string)> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                entries.Enqueue((logLevel, formatter(state, exception)));
        }
    }
}
