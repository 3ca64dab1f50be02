using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using MetaServer.IntegrationTests.Infrastructure;

namespace MetaServer.IntegrationTests.EndToEnd;

/// <summary>
/// The status page in a real headless browser: Debian's chromium driven by playwright-core
/// (browser/status_page.mjs), which reads the page as a person would and saves a screenshot. The page is compared
/// by what it says, not by pixels. .ci/run installs chromium and the script's node_modules.
/// </summary>
public sealed class StatusPageBrowserTests : IDisposable
{
    private const string Chromium = "/usr/bin/chromium";
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Chromium_shows_the_node_mode_and_object_counts_on_the_status_page()
    {
        var scripts = Path.Combine(RepositoryFolder.Root, "MetaServer.IntegrationTests", "EndToEnd", "browser");
        Assert.True(File.Exists(Chromium), $".ci/run must install chromium (apt-get install -y chromium): {Chromium} is missing");
        Assert.True(Directory.Exists(Path.Combine(scripts, "node_modules", "playwright-core")),
            $".ci/run must install playwright-core: npm ci --prefix {scripts}");
        await using var server = new EdgeMetaServer(kestrel: true, settings: new() { ["MetaManager:NodeName"] = "edge-7" });
        using var client = new HttpClient { BaseAddress = server.Address };
        foreach (var name in new[] { "a", "b" })
        {
            Assert.Equal(HttpStatusCode.Created, (await client.PostJsonAsync("/api/v1/namespaces/default/configmaps", $$$"""{"metadata":{"name":"{{{name}}}"}}""")).Code);
        }

        var screenshot = Path.Combine(_folder.Path, "status.png");
        var (exitCode, stdout, stderr) = await RunNodeAsync(scripts, "status_page.mjs", server.Address.ToString().TrimEnd('/'), screenshot);

        Assert.True(exitCode == 0, $"node exited {exitCode}\n{stdout}\n{stderr}");
        var page = JsonNode.Parse(stdout.Trim().Split('\n')[^1])!.AsObject();
        Assert.Equal(200, (int)page["status"]!);
        Assert.Equal("EdgeMeta · edge-7", (string)page["title"]!);
        Assert.Equal("edge-7", (string)page["node"]!);
        Assert.Equal("standalone", (string)page["mode"]!);
        Assert.Equal("none (standalone)", (string)page["cloudlink"]!);
        Assert.Equal(["Server", "Objects", "MetaManager", "Recent messages", "Watches", "Store"], page["headings"]!.AsArray().Select(h => (string)h!));
        Assert.True((bool)page["objectsVisible"]!);
        Assert.Equal(2, (int)page["objects"]!["core/v1/configmaps"]!);
        Assert.Equal(4, (int)page["objects"]!["core/v1/namespaces"]!);
        Assert.Equal(0, (int)page["openWatches"]!);

        // The screenshot is a PNG of the viewport's width and the page's full height.
        var png = await File.ReadAllBytesAsync(screenshot);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        Assert.Equal(1000, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)));
        Assert.InRange(BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4)), 600, 4000);
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunNodeAsync(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("the browser script did not finish in 60 s");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
