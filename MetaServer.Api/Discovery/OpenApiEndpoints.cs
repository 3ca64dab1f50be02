using MetaServer.Api.Kubernetes;
using MetaServer.Domain.Kubernetes;

namespace MetaServer.Api.Discovery;

/// <summary>
/// /openapi/v2 without schemas yet: kubectl fetches it (as protobuf) before create and apply, and validates
/// only the kinds a document defines, so an empty one means "no client-side schema", not an error. The real
/// documents come with the kubectl-compatibility work; /openapi/v3 is a 404 until then, which kubectl reads as
/// "use v2".
/// </summary>
internal static class OpenApiEndpoints
{
    // kubectl and client-go ask for the gnostic protobuf form of the v2 document.
    private const string ProtobufV2 = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";

    // The requested form is not a valid MIME type for Go's parser; the apiserver answers with this spelling.
    private const string ProtobufV2Response = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

    private static readonly byte[] JsonV2 =
        """{"swagger":"2.0","info":{"title":"EdgeMeta","version":"v1.32.0"},"paths":{},"definitions":{}}"""u8.ToArray();

    public static IEndpointRouteBuilder MapOpenApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/openapi/v2", (HttpContext http) =>
        {
            var accept = http.Request.Headers.Accept.ToString();
            // The protobuf encoding of a Document with no fields set is zero bytes.
            return accept.Contains(ProtobufV2, StringComparison.OrdinalIgnoreCase)
                ? Results.Bytes([], ProtobufV2Response)
                : KubeResults.Object(JsonV2);
        });
        endpoints.MapGet("/openapi/v3/{**rest}", () => KubeResults.Status(KubeStatus.PathNotFound()));
        return endpoints;
    }
}
