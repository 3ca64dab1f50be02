using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace EdgeMeta.Bench;

/// <summary>
/// Edge mode, measured end to end with two real server processes on loopback: a "cloud" EdgeMeta (standalone) and
/// an edge EdgeMeta syncing from it. Reports the initial sync of N pods, the delay from a change made upstream to a
/// local watcher seeing it, and the resync after the cloud was away (pods deleted and changed meanwhile).
/// </summary>
internal static class CloudLinkBench
{
    public static async Task<int> RunAsync(string server, string folder, int count, int changes)
    {
        var cloudPort = FreePort();
        var cloudUrl = new Uri($"http://127.0.0.1:{cloudPort}");
        var edgeUrl = new Uri($"http://127.0.0.1:{FreePort()}");
        using var cloud = await StartAsync(server, cloudUrl, Path.Combine(folder, "cloud.db"));
        using var edge = await StartAsync(server, edgeUrl, Path.Combine(folder, "edge.db"),
            $"--CloudLink:Server={cloudUrl}", "--CloudLink:ProbeIntervalSeconds=1", "--CloudLink:MinBackoffMilliseconds=100",
            "--CloudLink:MaxBackoffSeconds=1", "--MetaManager:NodeName=edge-1");
        using var c = new HttpClient { BaseAddress = cloudUrl };
        using var e = new HttpClient { BaseAddress = edgeUrl };

        // Initial sync: pods created upstream until the edge holds them all.
        var clock = Stopwatch.StartNew();
        await ParallelAsync(count, 16, i => PostAsync(c, "/api/v1/namespaces/default/pods", OnThisNode(PodFactory.Pod(i))));
        var created = clock.Elapsed;
        await UntilAsync(async () => await CountAsync(e, "/api/v1/pods") == count);
        Console.WriteLine(FormattableString.Invariant(
            $"BENCH cloud_initial_sync pods={count} create_seconds={created.TotalSeconds:F2} synced_seconds={clock.Elapsed.TotalSeconds:F2}"));

        // Upstream change → local watcher: label patches on the cloud at 100/s, seen on an edge watch.
        var rv = (await GetAsync(e, "/api/v1/pods?limit=1"))["metadata"]!["resourceVersion"]!.GetValue<string>();
        var sent = new long[changes];
        var seen = new double[changes];
        var received = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var watcher = Task.Run(async () =>
        {
            using var response = await e.GetAsync($"/api/v1/pods?watch=true&resourceVersion={rv}", HttpCompletionOption.ResponseHeadersRead, stop.Token);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop.Token));
            while (received < changes && await reader.ReadLineAsync(stop.Token) is { } line)
            {
                var label = JsonNode.Parse(line)!["object"]?["metadata"]?["labels"]?["bench/seq"]?.GetValue<string>();
                if (label is not null && int.TryParse(label, out var seq) && seq < changes && seen[seq] == 0)
                {
                    seen[seq] = Stopwatch.GetElapsedTime(sent[seq]).TotalMilliseconds;
                    received++;
                }
            }
        });
        await Task.Delay(500);
        for (var i = 0; i < changes; i++)
        {
            sent[i] = Stopwatch.GetTimestamp();
            await PatchAsync(c, $"/api/v1/namespaces/default/pods/bench-{i % count:D5}", $$$"""{"metadata":{"labels":{"bench/seq":"{{{i}}}"} } }""");
            await Task.Delay(10);
        }

        await watcher;
        var delays = seen.Where(d => d > 0).Order().ToArray();
        Console.WriteLine(FormattableString.Invariant(
            $"BENCH cloud_to_watcher changes={changes} seen={delays.Length} p50_ms={delays[delays.Length / 2]:F1} p99_ms={delays[(int)(delays.Length * 0.99)]:F1} max_ms={delays[^1]:F1}"));

        // The cloud goes away; meanwhile 10% of the pods are deleted and 10% changed; it comes back.
        cloud.Kill(entireProcessTree: true);
        await cloud.WaitForExitAsync();
        await UntilAsync(async () => (await GetAsync(e, "/edgemeta/status"))["cloud"]!["connected"]!.GetValue<bool>() == false);
        var churn = count / 10;
        using (var away = await StartAsync(server, new Uri($"http://127.0.0.1:{FreePort()}"), Path.Combine(folder, "cloud.db")))
        {
            using var a = new HttpClient { BaseAddress = new Uri(away.StartInfo.ArgumentList[0].Split('=')[1]) };
            await ParallelAsync(churn, 16, i => a.DeleteAsync($"/api/v1/namespaces/default/pods/bench-{i:D5}"));
            await ParallelAsync(churn, 16, i => PatchAsync(a, $"/api/v1/namespaces/default/pods/bench-{churn + i:D5}", """{"metadata":{"labels":{"bench/away":"changed"}}}"""));
            away.Kill(entireProcessTree: true);
            await away.WaitForExitAsync();
        }

        clock.Restart();
        using var back = await StartAsync(server, cloudUrl, Path.Combine(folder, "cloud.db"));
        var cloudUp = clock.Elapsed;
        await UntilAsync(async () => await CountAsync(e, "/api/v1/pods") == count - churn
            && await CountAsync(e, "/api/v1/pods?labelSelector=bench%2Faway%3Dchanged") == churn);
        Console.WriteLine(FormattableString.Invariant(
            $"BENCH cloud_resync pods={count} deleted={churn} changed={churn} cloud_start_seconds={cloudUp.TotalSeconds:F2} converged_seconds={clock.Elapsed.TotalSeconds:F2} after_cloud_ready_seconds={(clock.Elapsed - cloudUp).TotalSeconds:F2}"));
        back.Kill(entireProcessTree: true);
        edge.Kill(entireProcessTree: true);
        return 0;
    }

    // Every pod is bound to the edge's node, so all of them are in its scope.
    private static string OnThisNode(string pod)
    {
        var node = JsonNode.Parse(pod)!;
        node["spec"]!["nodeName"] = "edge-1";
        return node.ToJsonString();
    }

    private static async Task<Process> StartAsync(string server, Uri url, string database, params string[] extra)
    {
        var start = new ProcessStartInfo(server) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add($"--Kestrel:Endpoints:Http:Url={url.ToString().TrimEnd('/')}");
        start.ArgumentList.Add($"--Storage:Path={database}");
        start.ArgumentList.Add("--Logging:LogLevel:Default=Warning");
        foreach (var argument in extra)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var probe = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(2) };
        await UntilAsync(async () =>
        {
            try
            {
                return (await probe.GetAsync("/readyz")).IsSuccessStatusCode;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        });
        return process;
    }

    private static async Task ParallelAsync(int count, int concurrency, Func<int, Task> action)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                await action(i);
            }
        }));
    }

    private static async Task PostAsync(HttpClient client, string path, string body)
    {
        using var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"POST {path}: {response.StatusCode}");
        }
    }

    private static async Task PatchAsync(HttpClient client, string path, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/merge-patch+json");
        content.Headers.ContentType!.CharSet = null;
        using var response = await client.PatchAsync(path, content);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"PATCH {path}: {response.StatusCode}");
        }
    }

    private static async Task<JsonObject> GetAsync(HttpClient client, string path) =>
        JsonNode.Parse(await client.GetStringAsync(path))!.AsObject();

    private static async Task<int> CountAsync(HttpClient client, string path) =>
        (await GetAsync(client, path))["items"]!.AsArray().Count;

    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(3))
            {
                throw new TimeoutException("the condition was not met in 3 minutes");
            }

            await Task.Delay(20);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
