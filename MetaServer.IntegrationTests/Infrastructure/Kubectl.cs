using System.Diagnostics;

namespace MetaServer.IntegrationTests.Infrastructure;

/// <summary>
/// Runs the real kubectl against a server, with a private HOME and cache so runs never share state; with a
/// kubeconfig (credentials, CA) instead of a bare --server when one is given.
/// </summary>
public sealed class Kubectl(Uri server, string workFolder, string? kubeconfig = null)
{
    public const string Path = "/usr/bin/kubectl";

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
    }

    public async Task<Result> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo(Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (kubeconfig is null)
        {
            start.ArgumentList.Add("--server=" + server.ToString().TrimEnd('/'));
        }

        start.ArgumentList.Add("--cache-dir=" + System.IO.Path.Combine(workFolder, "cache"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["HOME"] = workFolder;
        start.Environment["KUBECONFIG"] = kubeconfig ?? System.IO.Path.Combine(workFolder, "no-kubeconfig");

        using var process = Process.Start(start) ?? throw new InvalidOperationException("kubectl did not start");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kubectl {string.Join(' ', args)} did not finish in 60 s");
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
