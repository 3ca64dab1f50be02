using System.Buffers;
using System.IO.Compression;
using System.Text.Json;

namespace MetaServer.Api.Kubernetes;

/// <summary>
/// Sits in place of the response body when a client asked for <c>pretty=true</c> or accepts gzip. A response is
/// held back until it passes <see cref="GzipThreshold"/>: small ones go out as they are (compressing them costs
/// more than it saves, which is why the apiserver does the same), larger ones switch to gzip and stream from
/// there. A pretty response is held whole, indented, then sent (compressed if large).
/// </summary>
internal sealed class ResponseShapingStream(HttpResponse response, Stream inner, bool pretty, bool gzip, bool yaml = false) : Stream
{
    public const int GzipThreshold = 128 * 1024;

    private static readonly JsonWriterOptions Indented = new()
    {
        Indented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly MemoryStream _held = new();
    private GZipStream? _gzip;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_gzip is not null)
        {
            await _gzip.WriteAsync(buffer, cancellationToken);
            return;
        }

        _held.Write(buffer.Span);
        if (!pretty && !yaml && gzip && _held.Length > GzipThreshold)
        {
            _gzip = StartGzip();
            await _gzip.WriteAsync(_held.GetBuffer().AsMemory(0, (int)_held.Length), cancellationToken);
            _held.SetLength(0);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    // While holding back there is nothing to flush; once compressing, flush what is compressed so far.
    public override Task FlushAsync(CancellationToken cancellationToken) =>
        _gzip is null ? Task.CompletedTask : _gzip.FlushAsync(cancellationToken);

    public override void Flush()
    {
    }

    /// <summary>Sends what is held back (indented and compressed as asked) or ends the gzip stream.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        if (_gzip is not null)
        {
            await _gzip.DisposeAsync();
            return;
        }

        ReadOnlyMemory<byte> body = _held.GetBuffer().AsMemory(0, (int)_held.Length);
        if (yaml && IsJson(response.ContentType) && body.Length > 0)
        {
            body = Yaml.YamlCodec.ToYaml(body.Span);
            response.ContentType = MediaTypes.Yaml;
        }
        else if (pretty && IsJson(response.ContentType) && body.Length > 0)
        {
            body = Indent(body);
        }

        if (gzip && body.Length > GzipThreshold)
        {
            await using var compressed = StartGzip();
            await compressed.WriteAsync(body, cancellationToken);
            return;
        }

        response.ContentLength = body.Length;
        await inner.WriteAsync(body, cancellationToken);
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private GZipStream StartGzip()
    {
        response.ContentLength = null;
        response.Headers.ContentEncoding = "gzip";
        return new GZipStream(inner, CompressionLevel.Fastest, leaveOpen: true);
    }

    private static bool IsJson(string? contentType) =>
        contentType is not null && contentType.StartsWith(MediaTypes.Json, StringComparison.OrdinalIgnoreCase);

    private static ReadOnlyMemory<byte> Indent(ReadOnlyMemory<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var output = new ArrayBufferWriter<byte>(json.Length * 2);
            using (var writer = new Utf8JsonWriter(output, Indented))
            {
                document.WriteTo(writer);
            }

            output.Write("\n"u8);
            return output.WrittenMemory;
        }
        catch (JsonException)
        {
            return json; // not JSON after all: send it as it is
        }
    }
}
