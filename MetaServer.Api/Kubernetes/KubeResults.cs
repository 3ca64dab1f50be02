using MetaServer.Domain.Kubernetes;

namespace MetaServer.Api.Kubernetes;

/// <summary>An object's stored JSON bytes, written as they are.</summary>
internal sealed class ObjectResult(byte[] json, int statusCode = StatusCodes.Status200OK) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = statusCode;
        var body = json;
        if (ProtobufExchange.Of(httpContext) is { Answer: true } exchange)
        {
            body = ProtobufAnswer.Object(exchange, json);
            httpContext.Response.ContentType = MediaTypes.Protobuf;
        }
        else
        {
            httpContext.Response.ContentType = MediaTypes.Json;
        }

        httpContext.Response.ContentLength = body.Length;
        return httpContext.Response.Body.WriteAsync(body).AsTask();
    }
}

/// <summary>A meta.k8s.io/v1 Status with its HTTP code: every error on the Kubernetes surface is one of these.</summary>
internal sealed class StatusResult(KubeStatus status) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        var bytes = status.ToUtf8Json();
        httpContext.Response.StatusCode = status.Code;
        httpContext.Response.ContentType = MediaTypes.Json;
        if (ProtobufExchange.Answers(httpContext))
        {
            bytes = ProtobufAnswer.Status(bytes);
            httpContext.Response.ContentType = MediaTypes.Protobuf;
        }

        httpContext.Response.ContentLength = bytes.Length;
        if (status.RetryAfterSeconds is { } retry)
        {
            httpContext.Response.Headers.RetryAfter = retry.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return httpContext.Response.Body.WriteAsync(bytes).AsTask();
    }
}

internal static class KubeResults
{
    public static StatusResult Status(KubeStatus status) => new(status);

    public static ObjectResult Object(byte[] json, int statusCode = StatusCodes.Status200OK) => new(json, statusCode);
}
