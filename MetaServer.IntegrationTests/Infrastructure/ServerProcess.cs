using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MetaServer.IntegrationTests.Infrastructure;

/// <summary>The real server as its own process (the built MetaServer.Api.dll) on a free 127.0.0.1 port: something a test can kill.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _output;

    private ServerProcess(Process process, Uri address, System.Collections.Concurrent.ConcurrentQueue<string> output)
    {
        _process = process;
        Address = address;
        _output = output;
    }

    public Uri Address { get; }

    /// <summary>The lines the process has written so far, standard output and error interleaved.</summary>
    public IReadOnlyList<string> Output => [.. _output];

    public static async Task<ServerProcess> StartAsync(string databasePath, params string[] arguments)
    {
        var port = FreePort();
        var address = new Uri($"http://127.0.0.1:{port}");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "MetaServer.Api.dll"));
        start.ArgumentList.Add($"--Kestrel:Endpoints:Http:Url={address.ToString().TrimEnd('/')}");
        start.ArgumentList.Add($"--Storage:Path={databasePath}");
        start.ArgumentList.Add("--Logging:LogLevel:Default=Warning");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("the server did not start");
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, line) => Keep(output, line.Data);
        process.ErrorDataReceived += (_, line) => Keep(output, line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var probe = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                if ((await probe.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK)
                {
                    return new ServerProcess(process, address, output);
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException("the server process did not become ready");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Runs the server with extra arguments until it exits by itself (or 30 s pass); its exit code and output.</summary>
    /// <summary>Asks the server to stop (SIGTERM, as systemd or Docker do) and waits for it: its exit code and how long it took.</summary>
    public async Task<(int ExitCode, TimeSpan Took)> TerminateAsync(TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var deadline = new CancellationTokenSource(limit);
        await _process.WaitForExitAsync(deadline.Token);
        return (_process.ExitCode, clock.Elapsed);
    }

    public static async Task<(int ExitCode, string Output)> RunToExitAsync(string databasePath, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "MetaServer.Api.dll"));
        start.ArgumentList.Add($"--Kestrel:Endpoints:Http:Url=http://127.0.0.1:{FreePort()}");
        start.ArgumentList.Add($"--Storage:Path={databasePath}");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("the server did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("the server kept running");
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>SIGKILL: no shutdown, no flush, nothing the process can do about it.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static void Keep(System.Collections.Concurrent.ConcurrentQueue<string> output, string? line)
    {
        if (line is not null)
        {
            output.Enqueue(line);
        }
    }

    /// <summary>A 127.0.0.1 port nothing listens on right now.</summary>
    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
