using System.Diagnostics;
using MetaServer.IntegrationTests.Infrastructure;

namespace MetaServer.IntegrationTests.EndToEnd;

/// <summary>
/// The official Python client (Debian's python3-kubernetes) against the server on a real Kestrel listener:
/// python/client_lifecycle.py runs the typed lifecycle and a watch, and exits non-zero on any mismatch.
/// </summary>
public sealed class PythonClientTests : IAsyncLifetime
{
    // The Debian package installs the client for the system interpreter only, whatever python3 PATH finds first.
    private const string Python = "/usr/bin/python3";
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(120);

    private readonly EdgeMetaServer _server = new(kestrel: true);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Python_client_runs_the_typed_lifecycle_and_a_watch()
    {
        var import = File.Exists(Python)
            ? await RunPythonAsync(TimeSpan.FromSeconds(30), "-c", "import kubernetes; print(kubernetes.__version__)")
            : new Result(-1, "", Python + " does not exist");
        Assert.True(import.ExitCode == 0,
            $".ci/run must install python3-kubernetes (apt-get install -y python3-kubernetes): {Python} cannot import kubernetes.\n{import}");

        var script = Path.Combine(RepositoryFolder.Root, "MetaServer.IntegrationTests", "EndToEnd", "python", "client_lifecycle.py");
        Assert.True(File.Exists(script), $"the Python lifecycle script is missing: {script}");

        var run = await RunPythonAsync(ScriptTimeout, script, _server.Address.ToString().TrimEnd('/'));

        Assert.True(run.ExitCode == 0, $"kubernetes {import.Stdout.Trim()}: {run}");
        Assert.Contains("all steps passed", run.Stdout);
    }

    private sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
    }

    private static async Task<Result> RunPythonAsync(TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Only the system site-packages: nothing from a virtualenv or a user install may shadow the Debian client.
        start.Environment.Remove("PYTHONPATH");
        start.Environment.Remove("PYTHONHOME");
        start.Environment["PYTHONNOUSERSITE"] = "1";
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        start.Environment["PYTHONUNBUFFERED"] = "1";

        using var process = Process.Start(start) ?? throw new InvalidOperationException(Python + " did not start");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return new Result(-1, await stdout, await stderr + $"\n{Python} {string.Join(' ', args)} did not finish in {timeout.TotalSeconds:0} s");
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
