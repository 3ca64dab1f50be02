using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using MetaServer.Domain.Protobuf;

namespace EdgeMeta.Bench;

/// <summary>
/// The JSON → protobuf converter in-process, on pods shaped as the server stores them: microseconds and
/// allocated bytes per pod to encode one (as a GET or a watch event does), and to decode it back.
/// </summary>
internal static class ConvertBench
{
    public static int Run(int count, int rounds)
    {
        var message = WireSchema.Default.Find("core.v1.Pod")!;
        var pods = Enumerable.Range(0, count).Select(i => Encoding.UTF8.GetBytes(Stored(i))).ToArray();
        var encoded = pods.Select(p => KubeProtobuf.EncodeObject(message, "v1", "Pod", p)).ToArray();
        Console.Error.WriteLine($"pod: {pods[0].Length} bytes of JSON, {encoded[0].Length} bytes of protobuf");

        Measure("encode", count, rounds, i => KubeProtobuf.EncodeObject(message, "v1", "Pod", pods[i]).Length);
        Measure("decode", count, rounds, i => KubeProtobuf.DecodeToJson(encoded[i], WireSchema.Default, "", "", out _)!.Length);
        return 0;
    }

    // Warm-up, then the best of `rounds` (the least disturbed by the other processes on the machine).
    private static void Measure(string what, int count, int rounds, Func<int, int> convert)
    {
        // Warm-up for at least a second, so the measured rounds run fully optimized (tiered JIT) code.
        long sink = 0;
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed < TimeSpan.FromSeconds(1))
        {
            for (var i = 0; i < count; i++)
            {
                sink += convert(i);
            }
        }

        var best = double.MaxValue;
        var allocated = 0.0;
        for (var round = 0; round < rounds; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < count; i++)
            {
                sink += convert(i);
            }

            clock.Stop();
            best = Math.Min(best, clock.Elapsed.TotalMicroseconds / count);
            allocated = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)count;
        }

        Console.WriteLine($"BENCH convert {what} pods={count} rounds={rounds} us_per_pod={best:F2} allocated_bytes_per_pod={allocated:F0} sink={sink}");
    }

    // The bench pod with what the server adds on create.
    private static string Stored(int i)
    {
        var pod = JsonNode.Parse(PodFactory.Pod(i))!;
        var metadata = pod["metadata"]!.AsObject();
        metadata["uid"] = $"6f1c2b3a-0d4e-4f5a-9b8c-{i:D12}";
        metadata["resourceVersion"] = (1000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture);
        metadata["creationTimestamp"] = "2026-11-20T08:00:00Z";
        return pod.ToJsonString();
    }
}
