using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace EdgeMeta.Bench;

/// <summary>
/// The MetaManager's write path as the cloud link uses it: framed beehive messages over the Unix socket (this
/// process is the peer module <c>websocket</c>), each an insert or update of a ~3 KB pod from the edge controller,
/// answered OK once durable. Also the raw ceiling of the same machine and the same rows: SQLite batched inserts.
/// </summary>
internal static class MessageBench
{
    /// <summary>
    /// Sends <paramref name="count"/> inserts then as many updates, keeping up to <paramref name="window"/> unanswered;
    /// prints messages/s and the delay from send to the OK answer.
    /// </summary>
    public static async Task<int> RunAsync(string socketPath, int count, int window, string prefix = "bench", bool quiet = false)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath));
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        // Answers are read through a buffer: one receive brings many small frames.
        await using var input = new BufferedStream(stream, 64 * 1024);
        var pods = Enumerable.Range(0, count).Select(PodFactory.Pod).ToArray();
        Console.Error.WriteLine($"pod body: {Encoding.UTF8.GetByteCount(pods[0])} bytes");
        foreach (var operation in new[] { "insert", "update" })
        {
            var frames = new byte[count][];
            // Message ids are random UUIDs, as beehive makes them: the receipts' index sees them in no order.
            var ids = new Dictionary<string, int>(count, StringComparer.Ordinal);
            for (var i = 0; i < count; i++)
            {
                var pod = JsonNode.Parse(pods[i])!.AsObject();
                pod["metadata"]!["name"] = $"{prefix}-{i:D5}";
                // As the cloud sends them: objects read from the apiserver, with its resourceVersion.
                pod["metadata"]!["resourceVersion"] = (operation == "update" ? 2_000_000 + i : 1_000_000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (operation == "update")
                {
                    // A real change (a no-op update commits nothing and would flatter the figure).
                    pod["status"]!["phase"] = "Succeeded";
                    pod["metadata"]!["annotations"]!["bench/updated"] = "true";
                }

                var id = Guid.NewGuid().ToString();
                ids[id] = i;
                frames[i] = Frame(id, operation, pod);
            }

            var sentAt = new long[count];
            var delays = new double[count];
            var slots = new SemaphoreSlim(window);
            var failures = 0;
            var clock = Stopwatch.StartNew();
            var reader = Task.Run(async () =>
            {
                var header = new byte[12];
                for (var answered = 0; answered < count;)
                {
                    await input.ReadExactlyAsync(header);
                    var length = (header[8] << 24) | (header[9] << 16) | (header[10] << 8) | header[11];
                    var body = new byte[length];
                    await input.ReadExactlyAsync(body);
                    // Only the two fields that matter are read, so the client costs the shared cores little.
                    var (parent, content) = AnswerFields(body);
                    if (parent is null || !ids.TryGetValue(parent, out var i))
                    {
                        continue; // not an answer to this phase
                    }

                    delays[i] = Stopwatch.GetElapsedTime(sentAt[i]).TotalMilliseconds;
                    if (content != "OK")
                    {
                        Interlocked.Increment(ref failures);
                    }

                    answered++;
                    slots.Release();
                }
            });
            // Frames go out in bursts (as many as the window allows, one write each burst), so the client spends
            // little of the shared cores on system calls.
            var burst = new MemoryStream(64 * 1024);
            for (var i = 0; i < count;)
            {
                await slots.WaitAsync();
                burst.SetLength(0);
                var now = Stopwatch.GetTimestamp();
                do
                {
                    sentAt[i] = now;
                    burst.Write(frames[i]);
                    i++;
                }
                while (i < count && burst.Length < 256 * 1024 && slots.Wait(0));

                await stream.WriteAsync(burst.GetBuffer().AsMemory(0, (int)burst.Length));
            }

            await reader;
            clock.Stop();
            Array.Sort(delays);
            if (quiet)
            {
                continue;
            }

            Console.WriteLine(FormattableString.Invariant(
                $"BENCH messages op={operation} count={count} window={window} seconds={clock.Elapsed.TotalSeconds:F3} per_second={count / clock.Elapsed.TotalSeconds:F0} p50_ms={delays[count / 2]:F1} p99_ms={delays[(int)(count * 0.99)]:F1} failures={failures}"));
        }

        return 0;
    }

    private static (string? Parent, string? Content) AnswerFields(byte[] json)
    {
        var reader = new System.Text.Json.Utf8JsonReader(json);
        string? parent = null, content = null;
        var depth = 0;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case System.Text.Json.JsonTokenType.StartObject or System.Text.Json.JsonTokenType.StartArray:
                    depth++;
                    break;
                case System.Text.Json.JsonTokenType.EndObject or System.Text.Json.JsonTokenType.EndArray:
                    depth--;
                    break;
                case System.Text.Json.JsonTokenType.PropertyName when reader.ValueTextEquals("parent_msg_id"):
                    reader.Read();
                    parent = reader.GetString();
                    break;
                case System.Text.Json.JsonTokenType.PropertyName when depth == 1 && reader.ValueTextEquals("content"):
                    reader.Read();
                    content = reader.TokenType == System.Text.Json.JsonTokenType.String ? reader.GetString() : null;
                    if (reader.TokenType is System.Text.Json.JsonTokenType.StartObject or System.Text.Json.JsonTokenType.StartArray)
                    {
                        reader.Skip();
                    }

                    break;
            }
        }

        return (parent, content);
    }

    private static byte[] Frame(string id, string operation, JsonObject pod)
    {
        var message = new JsonObject
        {
            ["header"] = new JsonObject { ["msg_id"] = id, ["timestamp"] = 1, ["resourceversion"] = pod["metadata"]!["resourceVersion"]!.DeepClone() },
            ["route"] = new JsonObject
            {
                ["source"] = "edgecontroller",
                ["group"] = "resource",
                ["operation"] = operation,
                ["resource"] = $"default/pod/{pod["metadata"]!["name"]}",
            },
            ["content"] = pod,
        };
        var json = Encoding.UTF8.GetBytes(message.ToJsonString());
        var frame = new byte[12 + json.Length];
        "beehv1rv"u8.CopyTo(frame);
        frame[8] = (byte)(json.Length >> 24);
        frame[9] = (byte)(json.Length >> 16);
        frame[10] = (byte)(json.Length >> 8);
        frame[11] = (byte)json.Length;
        json.CopyTo(frame, 12);
        return frame;
    }

    /// <summary>
    /// The ceiling: the same pod rows inserted straight into SQLite (WAL, the given synchronous mode), in
    /// transactions of <paramref name="batch"/> rows, with a prepared statement. Prints rows/s.
    /// </summary>
    public static int RawSqlite(string folder, int count, int batch, string synchronous)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "raw.db");
        File.Delete(path);
        var pods = Enumerable.Range(0, count).Select(PodFactory.Pod).ToArray();
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using (var setup = connection.CreateCommand())
        {
            setup.CommandText = $"PRAGMA journal_mode=WAL; PRAGMA synchronous={synchronous}; " +
                "CREATE TABLE objects (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, value TEXT NOT NULL);";
            setup.ExecuteNonQuery();
        }

        using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO objects (key, value) VALUES ($key, $value)";
        var key = insert.Parameters.Add("$key", SqliteType.Text);
        var value = insert.Parameters.Add("$value", SqliteType.Text);
        var clock = Stopwatch.StartNew();
        for (var start = 0; start < count; start += batch)
        {
            using var transaction = connection.BeginTransaction();
            insert.Transaction = transaction;
            for (var i = start; i < Math.Min(count, start + batch); i++)
            {
                key.Value = "/core/v1/pods/default/" + i;
                value.Value = pods[i];
                insert.ExecuteNonQuery();
            }

            transaction.Commit();
        }

        clock.Stop();
        Console.WriteLine(FormattableString.Invariant(
            $"BENCH raw_sqlite count={count} batch={batch} synchronous={synchronous} seconds={clock.Elapsed.TotalSeconds:F3} per_second={count / clock.Elapsed.TotalSeconds:F0}"));
        return 0;
    }
}
