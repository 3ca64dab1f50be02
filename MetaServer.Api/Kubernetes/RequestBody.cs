using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using MetaServer.Domain.Kubernetes;

namespace MetaServer.Api.Kubernetes;

/// <summary>A request body as read: its bytes and media type, or the Status that refuses it.</summary>
internal readonly record struct BodyRead(byte[] Bytes, string MediaType, KubeStatus? Error)
{
    public static BodyRead Fail(KubeStatus error) => new([], "", error);
}

/// <summary>Reads request bodies with the size limit and media types of the Kubernetes surface.</summary>
internal static class RequestBody
{
    private static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = false };
    // Duplicate members are refused while parsing: JsonObject would otherwise throw later, on first use.
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 100, AllowDuplicateProperties = false };

    /// <summary>Reads the whole body, refusing an unknown media type (415) or one over <paramref name="limit"/> bytes (413).</summary>
    public static async Task<BodyRead> ReadAsync(HttpRequest request, IReadOnlyList<string> accepted, long limit, CancellationToken cancellationToken)
    {
        var mediaType = MediaTypes.Essence(request.ContentType);
        if (mediaType.Length == 0 && accepted.Contains(MediaTypes.Json))
        {
            mediaType = MediaTypes.Json;
        }

        if (!accepted.Contains(mediaType))
        {
            return BodyRead.Fail(KubeStatus.UnsupportedMediaType(request.ContentType ?? "", accepted));
        }

        if (request.ContentLength > limit)
        {
            return BodyRead.Fail(KubeStatus.RequestEntityTooLarge(limit));
        }

        var reader = request.BodyReader;
        while (true)
        {
            var read = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (read.Buffer.Length > limit)
            {
                reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                return BodyRead.Fail(KubeStatus.RequestEntityTooLarge(limit));
            }

            if (read.IsCompleted || read.IsCanceled)
            {
                var bytes = read.Buffer.ToArray();
                reader.AdvanceTo(read.Buffer.End);
                // An apply body is YAML too, but keeps its media type: the patch handler tells apply from the others by it.
                return mediaType switch
                {
                    MediaTypes.Yaml => FromYaml(bytes, MediaTypes.Json),
                    MediaTypes.ApplyPatch => FromYaml(bytes, MediaTypes.ApplyPatch),
                    MediaTypes.Protobuf => FromProtobuf(bytes, request.HttpContext, accepted),
                    _ => new BodyRead(bytes, mediaType, null),
                };
            }

            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
    }

    // A YAML body becomes the JSON it stands for, so everything after this reads JSON only.
    private static BodyRead FromYaml(byte[] yaml, string mediaType)
    {
        var node = Yaml.YamlCodec.ToJson(yaml, out var error);
        if (error is not null)
        {
            return BodyRead.Fail(KubeStatus.BadRequest("the body of the request could not be decoded as YAML: " + error));
        }

        return node is null
            ? BodyRead.Fail(KubeStatus.BadRequest("Object 'Kind' is missing in the YAML body: it holds no object"))
            : new BodyRead(System.Text.Encoding.UTF8.GetBytes(node.ToJsonString()), mediaType, null);
    }

    // A protobuf body becomes the JSON it stands for too; kinds without a protobuf form refuse it (415).
    private static BodyRead FromProtobuf(byte[] body, HttpContext http, IReadOnlyList<string> accepted)
    {
        if (ProtobufExchange.Of(http) is not { } exchange)
        {
            return BodyRead.Fail(KubeStatus.UnsupportedMediaType(MediaTypes.Protobuf, accepted.Where(t => t != MediaTypes.Protobuf)));
        }

        var json = Domain.Protobuf.KubeProtobuf.DecodeToJson(body, Domain.Protobuf.WireSchema.Default, exchange.Type.ApiVersion, exchange.Type.Kind, out var error);
        return json is null
            ? BodyRead.Fail(KubeStatus.BadRequest("the body of the request could not be decoded as protobuf: " + error))
            : new BodyRead(json, MediaTypes.Json, null);
    }

    /// <summary>Parses a JSON object, or says (as a 400 Status) why the bytes are not one.</summary>
    public static JsonObject? ParseObject(byte[] bytes, out KubeStatus? error)
    {
        try
        {
            var node = JsonNode.Parse(bytes, NodeOptions, DocumentOptions);
            if (node is JsonObject obj)
            {
                error = null;
                return obj;
            }

            error = KubeStatus.BadRequest("the request body must be a JSON object");
            return null;
        }
        catch (JsonException ex)
        {
            error = KubeStatus.BadRequest("the request body is not valid JSON: " + ex.Message);
            return null;
        }
    }

    /// <summary>Checks only that the bytes are JSON; for patches, which are parsed by their own rules.</summary>
    public static KubeStatus? CheckJson(byte[] bytes)
    {
        try
        {
            using var _ = JsonDocument.Parse(bytes, DocumentOptions);
            return null;
        }
        catch (JsonException ex)
        {
            return KubeStatus.BadRequest("the request body is not valid JSON: " + ex.Message);
        }
    }
}
