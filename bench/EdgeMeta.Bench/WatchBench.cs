using System.Diagnostics;
using System.Net;
using System.Text;

namespace EdgeMeta.Bench;

/// <summary>
/// Many watchers on one resource type and one writer at a steady rate: events delivered, delay from the
/// write to each receipt, and the server's memory per idle watcher.
/// </summary>
internal static class WatchBench
{
    public static async Task<int> RunAsync(Uri baseUrl, int watchers, int rate, int seconds, int serverPid, string? database = null, string prefix = "w", string? serverLog = null)
    {
        using var writer = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = baseUrl };
        const string ns = "/api/v1/namespaces/default/configmaps";
        var list = await writer.GetStringAsync(ns + "?limit=1");
        var start = System.Text.Json.JsonDocument.Parse(list).RootElement.GetProperty("metadata").GetProperty("resourceVersion").GetString();

        var rssBefore = Rss(serverPid);
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var client = new HttpClient(handler) { BaseAddress = baseUrl, Timeout = Timeout.InfiniteTimeSpan };
        using var stop = new CancellationTokenSource();
        var counts = new int[watchers];
        var disorders = new int[watchers];
        var latencies = new List<double>[watchers];
        var receipts = new List<(long Sent, long Received, long Revision)>[watchers];
        var opened = 0;
        var readers = new Task[watchers];
        for (var i = 0; i < watchers; i++)
        {
            var me = i;
            latencies[me] = new List<double>(rate * seconds);
            receipts[me] = new List<(long, long, long)>(rate * seconds);
            readers[me] = Task.Run(async () =>
            {
                using var response = await client.GetAsync($"{ns}?watch=true&resourceVersion={start}", HttpCompletionOption.ResponseHeadersRead, stop.Token);
                Interlocked.Increment(ref opened);
                await using var stream = await response.Content.ReadAsStreamAsync(stop.Token);
                await ReadEventsAsync(stream, counts, disorders, latencies[me], receipts[me], me, stop.Token);
            });
        }

        while (Volatile.Read(ref opened) < watchers)
        {
            await Task.Delay(50);
        }

        await Task.Delay(TimeSpan.FromSeconds(3));
        var rssIdle = Rss(serverPid);

        // The writer: `rate` writes a second for `seconds`, open loop (each write starts at its due time whether or
        // not the previous one has returned), each carrying the time it was sent. The first 50 create the objects.
        var total = rate * seconds;
        var cpuBefore = CpuSeconds(serverPid);
        var benchCpuBefore = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        var writeLatencies = new double[total];
        var failures = 0;
        var clock = Stopwatch.StartNew();
        var writeStart = Stopwatch.GetTimestamp();
        var inFlight = new List<Task>(total);
        for (var n = 0; n < total; n++)
        {
            var due = TimeSpan.FromSeconds((double)n / rate);
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }

            var index = n;
            inFlight.Add(Task.Run(async () =>
            {
                var sent = Stopwatch.GetTimestamp();
                using var response = index < 50
                    ? await writer.PostAsync(ns, new StringContent($$$"""{"metadata":{"name":"{{{prefix}}}{{{index}}}"},"data":{"t":"{{{sent}}}"}}""", Encoding.UTF8, "application/json"))
                    : await writer.PatchAsync($"{ns}/{prefix}{index % 50}", new StringContent($$$"""{"data":{"t":"{{{sent}}}"}}""", Encoding.UTF8, "application/merge-patch+json"));
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref failures);
                }

                writeLatencies[index] = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
            }));
            if (index == 49)
            {
                await Task.WhenAll(inFlight); // the objects exist before they are patched
            }
        }

        await Task.WhenAll(inFlight);
        var writeSeconds = clock.Elapsed.TotalSeconds;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (counts.Any(c => Volatile.Read(ref c) < total) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        var deliverySeconds = clock.Elapsed.TotalSeconds;
        var serverCores = (CpuSeconds(serverPid) - cpuBefore) / deliverySeconds;
        var benchCores = (Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - benchCpuBefore) / deliverySeconds;
        stop.Cancel();
        await Task.WhenAll(readers.Select(r => r.ContinueWith(_ => { }, TaskScheduler.Default)));

        var all = latencies.SelectMany(l => l).Order().ToArray();
        // Fan-out spread: how long after the first watcher got an event the others got it. The first receipt
        // follows the commit closely, so this is the hub's delivery delay without the write path in it.
        var firstReceipt = new Dictionary<long, long>();
        foreach (var perWatcher in receipts)
        {
            foreach (var (sent, received, _) in perWatcher)
            {
                firstReceipt[sent] = firstReceipt.TryGetValue(sent, out var first) ? Math.Min(first, received) : received;
            }
        }

        var spread = receipts.SelectMany(l => l).Select(r => Stopwatch.GetElapsedTime(firstReceipt[r.Sent], r.Received).TotalMilliseconds).Order().ToArray();
        // Commit → receipt: each event against the time its transaction began committing, which the server
        // records with every change (changes.committed_at, ms; taken before the fsync, so this errs long).
        var commitToReceipt = Array.Empty<double>();
        var durableToReceipt = Array.Empty<double>();
        if (database is not null)
        {
            var committed = new Dictionary<long, long>();
            using (var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False"))
            {
                db.Open();
                using var query = db.CreateCommand();
                query.CommandText = "SELECT revision, committed_at FROM changes";
                using var rows = query.ExecuteReader();
                while (rows.Read())
                {
                    committed[rows.GetInt64(0)] = rows.GetInt64(1);
                }
            }

            // Stopwatch ticks → Unix milliseconds, from one instant read on both clocks.
            var (unixNow, ticksNow) = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), Stopwatch.GetTimestamp());
            commitToReceipt = receipts.SelectMany(l => l)
                .Where(r => committed.ContainsKey(r.Revision))
                .Select(r => unixNow - Stopwatch.GetElapsedTime(r.Received, ticksNow).TotalMilliseconds - committed[r.Revision])
                .Order().ToArray();

            // Durable commit → receipt: against the time each transaction finished committing, which the server logs
            // (StoreWriter at Debug: "Committed revisions F to L at unix ms T") when the bench runs it that way.
            if (serverLog is not null && File.Exists(serverLog))
            {
                var durable = new Dictionary<long, double>();
                foreach (var line in File.ReadLines(serverLog))
                {
                    var match = System.Text.RegularExpressions.Regex.Match(line, @"Committed revisions (\d+) to (\d+) at unix ms ([0-9.]+)");
                    if (match.Success)
                    {
                        var at = double.Parse(match.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture);
                        for (var revision = long.Parse(match.Groups[1].Value); revision <= long.Parse(match.Groups[2].Value); revision++)
                        {
                            durable[revision] = at;
                        }
                    }
                }

                durableToReceipt = receipts.SelectMany(l => l)
                    .Where(r => durable.ContainsKey(r.Revision))
                    .Select(r => unixNow - Stopwatch.GetElapsedTime(r.Received, ticksNow).TotalMilliseconds - durable[r.Revision])
                    .Order().ToArray();
            }

            // Per second of the write phase (by receipt time), so warm-up and steady state can be told apart.
            var bySecond = receipts.SelectMany(l => l)
                .Where(r => committed.ContainsKey(r.Revision))
                .GroupBy(r => (int)Stopwatch.GetElapsedTime(writeStart, r.Received).TotalSeconds)
                .OrderBy(g => g.Key)
                .Select(g =>
                {
                    var d = g.Select(r => unixNow - Stopwatch.GetElapsedTime(r.Received, ticksNow).TotalMilliseconds - committed[r.Revision]).Order().ToArray();
                    return $"{g.Key}:{Percentile(d, 0.5):F0}/{Percentile(d, 0.99):F0}";
                });
            Console.Error.WriteLine("commit->receipt p50/p99 ms by second: " + string.Join(' ', bySecond));
        }

        var delivered = counts.Sum();
        var complete = counts.Count(c => c == total);
        Array.Sort(writeLatencies);
        Console.WriteLine(
            $"BENCH watch watchers={watchers} rate={rate} seconds={seconds} writes={total} write_seconds={writeSeconds:F1} " +
            $"delivered={delivered} expected={(long)total * watchers} complete_watchers={complete} out_of_order={disorders.Sum()} " +
            $"events_per_s={delivered / deliverySeconds:F0} p50_ms={Percentile(all, 0.5):F1} p99_ms={Percentile(all, 0.99):F1} max_ms={all.LastOrDefault():F1} " +
            $"spread_p50_ms={Percentile(spread, 0.5):F1} spread_p99_ms={Percentile(spread, 0.99):F1} " +
            $"commit_to_receipt_p50_ms={Percentile(commitToReceipt, 0.5):F1} commit_to_receipt_p99_ms={Percentile(commitToReceipt, 0.99):F1} commit_samples={commitToReceipt.Length} " +
            $"durable_commit_to_receipt_p50_ms={Percentile(durableToReceipt, 0.5):F1} durable_commit_to_receipt_p99_ms={Percentile(durableToReceipt, 0.99):F1} durable_samples={durableToReceipt.Length} " +
            $"write_p50_ms={Percentile(writeLatencies, 0.5):F1} write_p99_ms={Percentile(writeLatencies, 0.99):F1} write_failures={failures} " +
            $"server_cores={serverCores:F2} bench_cores={benchCores:F2} " +
            $"server_us_per_event={serverCores * deliverySeconds * 1e6 / Math.Max(1, delivered):F2} bench_us_per_event={benchCores * deliverySeconds * 1e6 / Math.Max(1, delivered):F2} " +
            $"rss_before_kb={rssBefore} rss_idle_kb={rssIdle} per_idle_watcher_kb={(rssIdle - rssBefore) / (double)watchers:F1}");
        return complete == watchers && disorders.Sum() == 0 ? 0 : 1;
    }

    // Finds each event line, its "t" stamp and its resourceVersion without parsing the JSON or allocating per
    // event (the client must keep up with the server); checks that each watcher's revisions only go up.
    private static async Task ReadEventsAsync(Stream stream, int[] counts, int[] disorders, List<double> latencies, List<(long, long, long)> receipts, int me, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        var filled = 0;
        var last = 0L;
        try
        {
            while (true)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken);
                if (read == 0)
                {
                    return;
                }

                filled += read;
                var now = Stopwatch.GetTimestamp();
                var consumed = 0;
                int newline;
                while ((newline = buffer.AsSpan(consumed, filled - consumed).IndexOf((byte)'\n')) >= 0)
                {
                    var line = buffer.AsSpan(consumed, newline);
                    if (Stamp(line, "\"t\":\""u8) is { } sent)
                    {
                        var revision = Stamp(line, "\"resourceVersion\":\""u8) ?? 0;
                        if (revision <= last)
                        {
                            disorders[me]++;
                        }

                        last = revision;
                        latencies.Add(Stopwatch.GetElapsedTime(sent, now).TotalMilliseconds);
                        receipts.Add((sent, now, revision));
                        Interlocked.Increment(ref counts[me]);
                    }

                    consumed += newline + 1;
                }

                buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                filled -= consumed;
                if (filled == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (HttpRequestException)
        {
        }
        catch (IOException)
        {
        }
    }

    // The number in a `"name":"123"` pair of the line, if there is one.
    private static long? Stamp(ReadOnlySpan<byte> line, ReadOnlySpan<byte> marker)
    {
        var at = line.IndexOf(marker);
        return at >= 0 && System.Buffers.Text.Utf8Parser.TryParse(line[(at + marker.Length)..], out long value, out _) ? value : null;
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * p))];

    // utime + stime of the server, in seconds (fields 14 and 15 of /proc/pid/stat, in clock ticks of 1/100 s).
    private static double CpuSeconds(int pid)
    {
        var fields = File.ReadAllText($"/proc/{pid}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (long.Parse(fields[11]) + long.Parse(fields[12])) / 100.0;
    }

    private static long Rss(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
            }
        }

        return 0;
    }
}
