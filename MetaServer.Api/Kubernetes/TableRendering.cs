using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using MetaServer.Domain.Kubernetes;
using MetaServer.Domain.Tables;

namespace MetaServer.Api.Kubernetes;

/// <summary>Answers in the meta.k8s.io/v1 Table form (what <c>kubectl get</c> asks for) for single objects and watch events.</summary>
internal static class TableRendering
{
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = false };

    /// <summary>The includeObject choice of the request, or the 400 that refuses it.</summary>
    public static TableOptions? Options(ApiRequest request, out KubeStatus? error)
    {
        if (TableOptions.TryParse(request.Query("includeObject"), out var options, out var message))
        {
            error = null;
            return options;
        }

        error = KubeStatus.BadRequest(message ?? "invalid includeObject");
        return null;
    }

    /// <summary>A one-row Table for a stored object.</summary>
    public static byte[] ObjectTable(ResourceType type, ReadOnlySpan<byte> storedObject, DateTimeOffset now, IncludeObject include, bool withColumnDefinitions = true)
    {
        var obj = JsonNode.Parse(storedObject)!.AsObject();
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            TableWriter.WriteObjectTable(writer, type.Group, type.Resource, obj, now, include, withColumnDefinitions);
        }

        return buffer.WrittenSpan.ToArray();
    }
}

/// <summary>A Table document as the response, with the media type the client asked for.</summary>
internal sealed class TableResult(byte[] json) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = MediaTypes.TableV1;
        httpContext.Response.ContentLength = json.Length;
        return httpContext.Response.Body.WriteAsync(json).AsTask();
    }
}
