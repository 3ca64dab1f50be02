using MetaServer.Api.Discovery.OpenApi;
using MetaServer.Api.Kubernetes;
using MetaServer.Domain.Kubernetes;
using Microsoft.Net.Http.Headers;

namespace MetaServer.Api.Discovery;

/// <summary>
/// /openapi/v3 (the list of group-versions), /openapi/v3/{api/v1 | apis/{group}/{version}} (OpenAPI 3.0) and
/// /openapi/v2 (Swagger 2.0), answered the way kube-openapi answers them: each document carries its hash as
/// ETag, the v3 list points at <c>?hash=</c> URLs, and a request whose hash matches may be cached for good
/// while a stale hash is redirected to the current one.
/// </summary>
internal static class OpenApiEndpoints
{
    // kubectl and client-go ask for the gnostic protobuf form of the v2 document.
    private const string ProtobufV2 = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";

    // The requested form is not a valid MIME type for Go's parser; the apiserver answers with this spelling.
    private const string ProtobufV2Response = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

    public static IEndpointRouteBuilder MapOpenApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/openapi/v2", (HttpContext http, OpenApiCache docs) =>
        {
            http.Response.Headers.Vary = "Accept";

            // This server has no protobuf encoder for the document. An empty protobuf Document (zero bytes) tells
            // client-go "no v2 schemas", which kubectl 1.32 copes with: it reads schemas, patch metadata and
            // query-parameter support from /openapi/v3 first. Refusing (406) would make it fall back to
            // /swagger-2.0.0.pb-v1 and fail client-side validation of a List.
            var accept = http.Request.Headers.Accept.ToString();
            return accept.Contains(ProtobufV2, StringComparison.OrdinalIgnoreCase) && !AcceptsJson(accept)
                ? Results.Bytes([], ProtobufV2Response)
                : Answer(http, docs.SwaggerV2, hashed: false);
        });
        endpoints.MapGet("/openapi/v3", (HttpContext http, OpenApiCache docs) =>
            AcceptsJson(http.Request.Headers.Accept.ToString())
                ? Answer(http, docs.Discovery, hashed: false)
                : KubeResults.Status(KubeStatus.NotAcceptable(["application/json"])));
        endpoints.MapGet("/openapi/v3/{**path}", (string path, HttpContext http, OpenApiCache docs) =>
        {
            http.Response.Headers.Vary = "Accept";
            if (docs.GroupVersion(path) is not { } document)
            {
                return KubeResults.Status(KubeStatus.PathNotFound());
            }

            if (!AcceptsJson(http.Request.Headers.Accept.ToString()))
            {
                return KubeResults.Status(KubeStatus.NotAcceptable(["application/json"]));
            }

            var hash = http.Request.Query["hash"].ToString();
            if (hash.Length > 0 && hash != document.Hash)
            {
                // A client holding an old list asked for an old document: send it to the current one.
                return Results.Redirect("/openapi/v3/" + path + "?hash=" + document.Hash, permanent: true);
            }

            return Answer(http, document, hashed: hash.Length > 0);
        });
        return endpoints;
    }

    private static IResult Answer(HttpContext http, OpenApiDocument document, bool hashed)
    {
        var headers = http.Response.Headers;
        var etag = "\"" + document.Hash + "\"";
        headers.ETag = etag;
        if (hashed)
        {
            // The URL names the content, so it never changes: cache it as long as a cache may.
            headers.CacheControl = "public, immutable";
            headers.Expires = DateTimeOffset.UtcNow.AddYears(1).ToString("R");
        }

        if (http.Request.Headers.IfNoneMatch.ToString() is { Length: > 0 } ifNoneMatch &&
            EntityTagHeaderValue.TryParseList([ifNoneMatch], out var tags) && tags.Any(t => t.Tag == etag || t.Equals(EntityTagHeaderValue.Any)))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Bytes(document.Json, "application/json");
    }

    // JSON, or anything: the protobuf forms are not produced here.
    private static bool AcceptsJson(string accept) =>
        accept.Length == 0 ||
        accept.Split(',').Select(a => a.Split(';')[0].Trim()).Any(a => a is "*/*" or "application/*" or "application/json");
}
