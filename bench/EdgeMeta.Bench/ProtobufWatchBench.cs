using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Text;

namespace EdgeMeta.Bench;

/// <summary>
/// A watch fan-out in one wire form: many watchers on the pods of a namespace (JSON or protobuf), one writer
/// stamping pods' annotations at a steady rate for a bounded time. Bytes on the wire per event, delay from a
/// write to the last watcher's receipt of it, and the server's CPU per delivered event.
/// </summary>
internal static class ProtobufWatchBench
{
    private const string Pods = "/api/v1/namespaces/default/pods";
    private static readonly byte[] Stamp = "bench/sent"u8.ToArray();

    public static async Task<int> RunAsync(Uri baseUrl, string form, int watchers, int rate, int seconds, int serverPid)
    {
        var protobuf = form == "protobuf";
        using var writer = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 32 }) { BaseAddress = baseUrl };
        var head = await writer.GetStringAsync(Pods + "?limit=1");
        var start = System.Text.Json.JsonDocument.Parse(head).RootElement.GetProperty("metadata").GetProperty("resourceVersion").GetString();

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, AutomaticDecompression = DecompressionMethods.None };
        using var client = new HttpClient(handler) { BaseAddress = baseUrl, Timeout = Timeout.InfiniteTimeSpan };
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds + 60));
        var received = new Dictionary<long, long>[watchers]; // sent stamp → receipt, per watcher
        var bytes = new long[watchers];
        var opened = 0;
        var readers = new Task[watchers];
        for (var i = 0; i < watchers; i++)
        {
            var me = i;
            received[me] = new Dictionary<long, long>(rate * seconds);
            readers[me] = Task.Run(async () =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"{Pods}?watch=true&resourceVersion={start}&timeoutSeconds={seconds + 30}");
                request.Headers.Accept.ParseAdd(protobuf ? "application/vnd.kubernetes.protobuf;stream=watch, application/json" : "application/json");
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop.Token);
                Interlocked.Increment(ref opened);
                await using var stream = await response.Content.ReadAsStreamAsync(stop.Token);
                bytes[me] = await ReadAsync(stream, protobuf, received[me], stop.Token);
            });
        }

        while (Volatile.Read(ref opened) < watchers)
        {
            await Task.Delay(20);
        }

        await Task.Delay(1000);

        // The writer: `rate` annotation patches a second for `seconds`, open loop, round robin over 50 pods.
        var total = rate * seconds;
        var sentAt = new long[total];
        var cpuBefore = CpuSeconds(serverPid);
        var clock = Stopwatch.StartNew();
        var inFlight = new List<Task>(total);
        var failures = 0;
        for (var n = 0; n < total; n++)
        {
            var wait = TimeSpan.FromSeconds((double)n / rate) - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }

            var sent = Stopwatch.GetTimestamp();
            sentAt[n] = sent;
            var patch = $$$$"""{"metadata":{"annotations":{"bench/sent":"{{{{sent}}}}"}}}""";
            var pod = $"{Pods}/bench-{n % 50:D5}";
            inFlight.Add(Task.Run(async () =>
            {
                using var response = await writer.PatchAsync(pod, new StringContent(patch, Encoding.UTF8, "application/merge-patch+json"));
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref failures);
                }
            }));
        }

        await Task.WhenAll(inFlight);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30) && received.Any(r => Count(r) < total))
        {
            await Task.Delay(50);
        }

        var cpu = CpuSeconds(serverPid) - cpuBefore;
        stop.Cancel();
        await Task.WhenAll(readers.Select(r => r.ContinueWith(_ => { }, TaskScheduler.Default)));

        // Per event: how long after the write the last watcher had it (events some watcher missed are left out and counted).
        var toLast = new List<double>(total);
        var delivered = 0L;
        var incomplete = 0;
        foreach (var sent in sentAt)
        {
            var last = 0L;
            var all = true;
            foreach (var perWatcher in received)
            {
                if (perWatcher.TryGetValue(sent, out var at))
                {
                    last = Math.Max(last, at);
                    delivered++;
                }
                else
                {
                    all = false;
                }
            }

            if (all)
            {
                toLast.Add(Stopwatch.GetElapsedTime(sent, last).TotalMilliseconds);
            }
            else
            {
                incomplete++;
            }
        }

        toLast.Sort();
        var wire = bytes.Sum();
        Console.WriteLine(
            $"BENCH watchfanout form={form} watchers={watchers} rate={rate} seconds={seconds} writes={total} write_failures={failures} " +
            $"delivered={delivered} expected={(long)total * watchers} incomplete_events={incomplete} " +
            $"bytes_per_event={(delivered == 0 ? 0 : wire / (double)delivered):F0} " +
            $"to_last_p50_ms={Percentile(toLast, 0.5):F1} to_last_p99_ms={Percentile(toLast, 0.99):F1} " +
            $"server_cpu_s={cpu:F2} server_cpu_us_per_event={(delivered == 0 ? 0 : cpu * 1e6 / delivered):F1}");
        return incomplete == 0 && failures == 0 ? 0 : 1;
    }

    private static int Count(Dictionary<long, long> received)
    {
        lock (received)
        {
            return received.Count;
        }
    }

    // Reads events as they come (lines of JSON, or length-prefixed protobuf frames) and notes when each stamp
    // arrived; the stamp is found by its annotation key, without decoding the object. Returns the bytes read.
    private static async Task<long> ReadAsync(Stream stream, bool protobuf, Dictionary<long, long> received, CancellationToken cancellationToken)
    {
        var buffer = new byte[256 * 1024];
        var filled = 0;
        long total = 0;
        try
        {
            while (true)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken);
                if (read == 0)
                {
                    return total;
                }

                total += read;
                filled += read;
                var now = Stopwatch.GetTimestamp();
                var consumed = 0;
                while (true)
                {
                    var rest = buffer.AsSpan(consumed, filled - consumed);
                    int length;
                    ReadOnlySpan<byte> @event;
                    if (protobuf)
                    {
                        if (rest.Length < 4 || rest.Length < 4 + (length = BinaryPrimitives.ReadInt32BigEndian(rest)))
                        {
                            break;
                        }

                        @event = rest.Slice(4, length);
                        length += 4;
                    }
                    else
                    {
                        var newline = rest.IndexOf((byte)'\n');
                        if (newline < 0)
                        {
                            break;
                        }

                        @event = rest[..newline];
                        length = newline + 1;
                    }

                    if (StampOf(@event, protobuf) is { } sent)
                    {
                        lock (received)
                        {
                            received.TryAdd(sent, now);
                        }
                    }

                    consumed += length;
                }

                buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                filled -= consumed;
                if (filled == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or IOException)
        {
            return total;
        }
    }

    // JSON: "bench/sent":"123"; protobuf: the map entry's key, then its value (tag 0x12, a length, the digits).
    private static long? StampOf(ReadOnlySpan<byte> @event, bool protobuf)
    {
        var at = @event.IndexOf(Stamp);
        if (at < 0)
        {
            return null;
        }

        var rest = @event[(at + Stamp.Length)..];
        ReadOnlySpan<byte> digits;
        if (protobuf)
        {
            if (rest.Length < 2 || rest[0] != 0x12 || rest.Length < 2 + rest[1])
            {
                return null;
            }

            digits = rest.Slice(2, rest[1]);
        }
        else
        {
            if (!rest.StartsWith("\":\""u8))
            {
                return null;
            }

            rest = rest[3..];
            digits = rest[..rest.IndexOf((byte)'"')];
        }

        return long.TryParse(digits, out var sent) ? sent : null;
    }

    private static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)(sorted.Count * p))];

    private static double CpuSeconds(int pid)
    {
        var fields = File.ReadAllText($"/proc/{pid}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (long.Parse(fields[11]) + long.Parse(fields[12])) / 100.0;
    }
}
