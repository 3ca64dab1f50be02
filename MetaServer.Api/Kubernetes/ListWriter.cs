using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using MetaServer.Data;
using MetaServer.Domain.Kubernetes;
using MetaServer.Domain.Storage;
using MetaServer.Domain.Tables;

namespace MetaServer.Api.Kubernetes;

/// <summary>
/// Writes a list as the stored JSON of its items spliced into the list envelope: no object is parsed or
/// re-serialized. Without a limit the response streams straight from the cursor; with one, the page (at most
/// limit items) is gathered first so the continue token can lead, as clients print it. Every page of a
/// continued list is read at the first page's revision, as etcd serves it, so the pages form one snapshot.
/// </summary>
internal static class ListWriter
{
    private const int FlushThreshold = 32 * 1024;

    /// <summary>Writes the list from <paramref name="cursor"/>, whose revision is the list's resourceVersion.</summary>
    public static async Task WriteAsync(HttpResponse response, ResourceType type, ListOptions options, ObjectCursor cursor,
        TableOptions? table, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (table is not null)
        {
            await WriteTableAsync(response, type, options, cursor, table, now, cancellationToken);
            return;
        }

        if (ProtobufExchange.Of(response.HttpContext) is { Answer: true } exchange)
        {
            await WriteProtobufAsync(response, type, exchange, options, cursor, cancellationToken);
            return;
        }

        var revision = cursor.SnapshotRevision;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = MediaTypes.Json;
        var pipe = response.BodyWriter;
        var matcher = new ObjectMatcher(options);

        if (options.Limit is not { } limit)
        {
            WriteEnvelopeStart(pipe, type, revision, null);
            var first = true;
            while (cursor.Read())
            {
                if (!matcher.Matches(cursor))
                {
                    continue;
                }

                if (!first)
                {
                    pipe.Write(","u8);
                }

                first = false;
                cursor.CopyValueTo(pipe);
                if (pipe.UnflushedBytes > FlushThreshold)
                {
                    await pipe.FlushAsync(cancellationToken);
                }
            }

            pipe.Write("]}"u8);
            await pipe.FlushAsync(cancellationToken);
            return;
        }

        var page = new ArrayBufferWriter<byte>(64 * 1024);
        var count = 0;
        string? lastKey = null;
        string? continueToken = null;
        while (cursor.Read())
        {
            if (!matcher.Matches(cursor))
            {
                continue;
            }

            if (count == limit)
            {
                continueToken = new ContinueToken(revision, lastKey!).Encode();
                break;
            }

            if (count > 0)
            {
                page.Write(","u8);
            }

            lastKey = cursor.Key;
            cursor.CopyValueTo(page);
            count++;
        }

        WriteEnvelopeStart(pipe, type, revision, continueToken);
        pipe.Write(page.WrittenSpan);
        pipe.Write("]}"u8);
        await pipe.FlushAsync(cancellationToken);
    }

    // The protobuf form, in two passes over the cursor's snapshot: the first sizes the items (and finds the page's
    // end), the second converts them again and sends each as it goes, since the envelope states their total
    // length before them. Memory per item, not per list.
    private static async Task WriteProtobufAsync(HttpResponse response, ResourceType type, ProtobufExchange exchange, ListOptions options,
        ObjectCursor cursor, CancellationToken cancellationToken)
    {
        var matcher = new ObjectMatcher(options);
        using var list = new Domain.Protobuf.ProtobufList(exchange.Message);
        string? lastKey = null;
        string? continueToken = null;
        while (cursor.Read())
        {
            if (!matcher.Matches(cursor))
            {
                continue;
            }

            if (list.Count == options.Limit)
            {
                continueToken = new ContinueToken(cursor.SnapshotRevision, lastKey!).Encode();
                break;
            }

            lastKey = cursor.Key;
            list.Measure(cursor.Value);
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = MediaTypes.Protobuf;
        var pipe = response.BodyWriter;
        list.WriteStart(pipe, type.ApiVersion, type.ListKind, cursor.SnapshotRevision.ToString(CultureInfo.InvariantCulture), continueToken);
        cursor.Restart();
        for (var written = 0; written < list.Count && cursor.Read();)
        {
            if (!matcher.Matches(cursor))
            {
                continue;
            }

            list.WriteItem(pipe, cursor.Value);
            written++;
            if (pipe.UnflushedBytes > FlushThreshold)
            {
                await pipe.FlushAsync(cancellationToken);
            }
        }

        list.WriteEnd(pipe);
        await pipe.FlushAsync(cancellationToken);
    }

    // The Table form: rows computed from each object (parsed here, since cells come from its fields).
    private static async Task WriteTableAsync(HttpResponse response, ResourceType type, ListOptions options, ObjectCursor cursor,
        TableOptions table, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var revision = cursor.SnapshotRevision.ToString(CultureInfo.InvariantCulture);
        var matcher = new ObjectMatcher(options);
        var rows = new List<byte[]>();
        string? lastKey = null;
        string? continueToken = null;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = MediaTypes.TableV1;
        var pipe = response.BodyWriter;
        await using var json = new Utf8JsonWriter(pipe, TableRendering.WriterOptions);
        var streaming = options.Limit is null;
        if (streaming)
        {
            TableWriter.WriteStart(json, type.Group, type.Resource, new TableListMeta(revision));
        }

        while (cursor.Read())
        {
            if (!matcher.Matches(cursor))
            {
                continue;
            }

            if (streaming)
            {
                TableWriter.WriteRow(json, type.Group, type.Resource, cursor.Value, now, table.IncludeObject);
                if (json.BytesPending > FlushThreshold)
                {
                    json.Flush();
                    await pipe.FlushAsync(cancellationToken);
                }

                continue;
            }

            if (rows.Count == options.Limit)
            {
                continueToken = new ContinueToken(cursor.SnapshotRevision, lastKey!).Encode();
                break;
            }

            lastKey = cursor.Key;
            rows.Add(cursor.GetValue());
        }

        if (!streaming)
        {
            TableWriter.WriteStart(json, type.Group, type.Resource, new TableListMeta(revision, continueToken));
            foreach (var row in rows)
            {
                TableWriter.WriteRow(json, type.Group, type.Resource, row, now, table.IncludeObject);
            }
        }

        TableWriter.WriteEnd(json);
        await json.FlushAsync(cancellationToken);
        await pipe.FlushAsync(cancellationToken);
    }

    private static void WriteEnvelopeStart(PipeWriter pipe, ResourceType type, long revision, string? continueToken)
    {
        var header = new StringBuilder(160)
            .Append("{\"kind\":\"").Append(type.ListKind)
            .Append("\",\"apiVersion\":\"").Append(type.ApiVersion)
            .Append("\",\"metadata\":{\"resourceVersion\":\"").Append(revision.ToString(CultureInfo.InvariantCulture)).Append('"');
        if (continueToken is not null)
        {
            header.Append(",\"continue\":").Append(JsonSerializer.Serialize(continueToken, KubeJson.Default.String));
        }

        header.Append("},\"items\":[");
        pipe.Write(Encoding.UTF8.GetBytes(header.ToString()));
    }
}
