using System.Diagnostics;
using System.Net;
using System.Text;
using EdgeMeta.Bench;

// bench <command> ...   (see bench/run.sh)
//   seed <baseUrl> <count> <concurrency>        create pods, print objects/s
//   list <url> <url> <runs>                     GET both URLs alternately, print each one's median/p90 time to last byte
//   fetch <url> <file>                          save a response body
//   serve <port> <onefile> <listfile>           bare Kestrel serving those bytes at /one and /list
//   watch <baseUrl> <watchers> <rate> <seconds> <serverPid> [database] [name prefix] [server log]   fan-out: delivery, delay, memory per idle watcher
//   messages <socketPath> <count> <window> [prefix] [quiet]   MetaManager: framed inserts then updates of pods, messages/s and ack delay
//   cloudsync <serverBinary> <folder> <pods> <changes>   edge mode: initial sync, upstream change → local watcher, resync
//   rawsqlite <folder> <count> <batch> <sync>   the ceiling: the same rows straight into SQLite, rows/s
//   watchfanout <baseUrl> <json|protobuf> <watchers> <rate> <seconds> <serverPid>   pods watched in one wire form: bytes, write → last receipt, CPU per event
//   convert <count> <rounds>                    JSON → protobuf converter in-process: µs and allocated bytes per pod
//   gets <url> <concurrency> <seconds> <keepalive|close> [<client.crt> <client.key> <ca.crt>]   GET rate, HTTPS with a client certificate
return args.FirstOrDefault() switch
{
    "seed" => await SeedAsync(new Uri(args[1]), int.Parse(args[2]), int.Parse(args[3])),
    "list" => await ListAsync(new Uri(args[1]), new Uri(args[2]), int.Parse(args[3])),
    "fetch" => await FetchAsync(args[1], args[2]),
    "serve" => await ServeAsync(int.Parse(args[1]), args[2], args[3]),
    "gets" => await GetBench.RunAsync(args),
    "watchfanout" => await ProtobufWatchBench.RunAsync(new Uri(args[1]), args[2], int.Parse(args[3]), int.Parse(args[4]), int.Parse(args[5]), int.Parse(args[6])),
    "convert" => ConvertBench.Run(int.Parse(args[1]), int.Parse(args[2])),
    "watch" => await WatchBench.RunAsync(new Uri(args[1]), int.Parse(args[2]), int.Parse(args[3]), int.Parse(args[4]), int.Parse(args[5]), args.Length > 6 ? args[6] : null, args.Length > 7 ? args[7] : "w", args.Length > 8 ? args[8] : null),
    "messages" => await MessageBench.RunAsync(args[1], int.Parse(args[2]), int.Parse(args[3]), args.Length > 4 ? args[4] : "bench", args.Length > 5 && args[5] == "quiet"),
    "cloudsync" => await CloudLinkBench.RunAsync(args[1], args[2], int.Parse(args[3]), int.Parse(args[4])),
    "rawsqlite" => MessageBench.RawSqlite(args[1], int.Parse(args[2]), int.Parse(args[3]), args[4]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: bench seed|list|fetch|serve ...");
    return 2;
}

static HttpClient Client(Uri baseUrl) => new(new SocketsHttpHandler { MaxConnectionsPerServer = 64, AutomaticDecompression = DecompressionMethods.None })
{
    BaseAddress = baseUrl,
    Timeout = TimeSpan.FromMinutes(2),
};

static async Task<int> SeedAsync(Uri baseUrl, int count, int concurrency)
{
    using var client = Client(baseUrl);
    var bodies = Enumerable.Range(0, count).Select(PodFactory.Pod).ToArray();
    Console.Error.WriteLine($"pod body: {Encoding.UTF8.GetByteCount(bodies[0])} bytes");
    var next = -1;
    var failures = 0;
    var clock = Stopwatch.StartNew();
    var workers = Enumerable.Range(0, concurrency).Select(async _ =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < count)
        {
            using var content = new StringContent(bodies[i], Encoding.UTF8, "application/json");
            using var response = await client.PostAsync("/api/v1/namespaces/default/pods", content);
            if (response.StatusCode != HttpStatusCode.Created)
            {
                Interlocked.Increment(ref failures);
            }
        }
    });
    await Task.WhenAll(workers);
    clock.Stop();
    Console.WriteLine($"BENCH create count={count} concurrency={concurrency} seconds={clock.Elapsed.TotalSeconds:F3} per_second={count / clock.Elapsed.TotalSeconds:F0} failures={failures}");

    // Then what the node agent does: report each pod's status (a new pod starts Pending with no details).
    next = -1;
    var statuses = bodies.Select(b => System.Text.Json.Nodes.JsonNode.Parse(b)!["status"]!.ToJsonString()).ToArray();
    var statusClock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < count)
        {
            using var content = new StringContent($$$"""{"status":{{{statuses[i]}}}}""", Encoding.UTF8, "application/merge-patch+json");
            using var response = await client.PatchAsync($"/api/v1/namespaces/default/pods/bench-{i:D5}/status", content);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                Interlocked.Increment(ref failures);
            }
        }
    }));
    Console.WriteLine($"BENCH status count={count} concurrency={concurrency} seconds={statusClock.Elapsed.TotalSeconds:F3} per_second={count / statusClock.Elapsed.TotalSeconds:F0} failures={failures}");
    return failures == 0 ? 0 : 1;
}

// Alternating the two servers run by run spreads machine noise evenly over both sides of the ratio.
static async Task<int> ListAsync(Uri a, Uri b, int runs)
{
    using var client = Client(a);
    var buffer = new byte[1 << 20];
    var targets = new[] { a, b };
    var times = new[] { new List<double>(), new List<double>() };
    var bytes = new long[2];
    for (var run = -3; run < runs; run++)
    {
        for (var t = 0; t < 2; t++)
        {
            var clock = Stopwatch.StartNew();
            using var response = await client.GetAsync(targets[t], HttpCompletionOption.ResponseHeadersRead);
            response.EnsureSuccessStatusCode();
            await using var stream = await response.Content.ReadAsStreamAsync();
            long total = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                total += read;
            }

            clock.Stop();
            if (run >= 0)
            {
                times[t].Add(clock.Elapsed.TotalMilliseconds);
                bytes[t] = total;
            }
        }
    }

    for (var t = 0; t < 2; t++)
    {
        times[t].Sort();
        var median = times[t][times[t].Count / 2];
        var p90 = times[t][(int)(times[t].Count * 0.9)];
        Console.WriteLine($"BENCH list url={targets[t]} bytes={bytes[t]} runs={runs} median_ms={median:F2} p90_ms={p90:F2} mb_per_s={bytes[t] / 1e6 / (median / 1000):F0}");
    }

    return 0;
}

static async Task<int> FetchAsync(string url, string file)
{
    using var client = new HttpClient();
    await File.WriteAllBytesAsync(file, await client.GetByteArrayAsync(url));
    return 0;
}

static async Task<int> ServeAsync(int port, string oneFile, string listFile)
{
    var one = await File.ReadAllBytesAsync(oneFile);
    var list = await File.ReadAllBytesAsync(listFile);
    var builder = WebApplication.CreateSlimBuilder();
    builder.Logging.ClearProviders();
    builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
    var app = builder.Build();
    app.MapGet("/one", () => Results.Bytes(one, "application/json"));
    app.MapGet("/list", () => Results.Bytes(list, "application/json"));
    app.MapGet("/healthz", () => "ok");
    await app.RunAsync();
    return 0;
}
