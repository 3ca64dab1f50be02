using System.Buffers;
using System.Text.Json;
using MetaServer.Api.Kubernetes;
using MetaServer.Domain.Authorization;
using MetaServer.Domain.Kubernetes;

namespace MetaServer.Api.Security;

/// <summary>
/// SelfSubjectAccessReview (<c>kubectl auth can-i</c>) and SelfSubjectReview (<c>kubectl auth whoami</c>): the
/// caller asks about itself. Answered as JSON (kubectl accepts it alongside protobuf) and never stored.
/// </summary>
internal static class AccessReviewEndpoints
{
    private const int MaxBody = 64 * 1024;

    public static IEndpointRouteBuilder MapAccessReviews(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", ReviewAccessAsync);
        endpoints.MapPost("/apis/authentication.k8s.io/v1/selfsubjectreviews", (HttpContext http) => Review(Caller(http)));
        endpoints.MapPost("/apis/authentication.k8s.io/v1/tokenreviews", ReviewTokenAsync);
        return endpoints;
    }

    private static async Task<IResult> ReviewAccessAsync(HttpContext http, IServiceProvider services)
    {
        var body = await ReadBodyAsync(http);
        if (body is null)
        {
            return KubeResults.Status(KubeStatus.RequestEntityTooLarge(MaxBody));
        }

        if (AccessReview.Parse(body) is not { } review)
        {
            return KubeResults.Status(KubeStatus.Invalid("authorization.k8s.io", "SelfSubjectAccessReview", "",
                [new StatusCause("FieldValueRequired", "exactly one of nonResourceAttributes or resourceAttributes must be specified", "spec.resourceAttributes")]));
        }

        // With security off there is no authorizer: everyone may do everything.
        var decision = services.GetService<RbacAuthorizer>() is { } authorizer
            ? authorizer.Authorize(review.For(Caller(http)))
            : new AuthorizationDecision(true, "security is off (Security:Mode=None)");
        return Json(w => review.WriteAnswer(w, decision), StatusCodes.Status201Created);
    }

    // TokenReview: what an edge asks of its cloud about a token it cannot verify itself. Who may ask is RBAC's
    // business (create tokenreviews); the answer says whether the token is valid here and for whom.
    private static async Task<IResult> ReviewTokenAsync(HttpContext http, BearerTokens tokens)
    {
        var body = await ReadBodyAsync(http);
        if (body is null)
        {
            return KubeResults.Status(KubeStatus.RequestEntityTooLarge(MaxBody));
        }

        string? token = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.TryGetProperty("spec", out var spec) && spec.ValueKind == JsonValueKind.Object
                && spec.TryGetProperty("token", out var value) && value.ValueKind == JsonValueKind.String)
            {
                token = value.GetString();
            }
        }
        catch (JsonException)
        {
        }

        if (string.IsNullOrEmpty(token))
        {
            return KubeResults.Status(KubeStatus.Invalid("authentication.k8s.io", "TokenReview", "",
                [new StatusCause("FieldValueRequired", "token is required", "spec.token")]));
        }

        var verdict = tokens.Authenticate(token);
        return Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("kind", "TokenReview");
            w.WriteString("apiVersion", "authentication.k8s.io/v1");
            w.WriteStartObject("metadata");
            w.WriteNull("creationTimestamp");
            w.WriteEndObject();
            w.WriteStartObject("spec");
            w.WriteEndObject();
            w.WriteStartObject("status");
            w.WriteBoolean("authenticated", verdict.User is not null);
            if (verdict.User is { } user)
            {
                WriteUser(w, "user", user);
            }
            else
            {
                w.WriteString("error", verdict.Refusal);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }, StatusCodes.Status201Created);
    }

    private static IResult Review(UserInfo user) => Json(w =>
    {
        w.WriteStartObject();
        w.WriteString("kind", "SelfSubjectReview");
        w.WriteString("apiVersion", "authentication.k8s.io/v1");
        w.WriteStartObject("metadata");
        w.WriteNull("creationTimestamp");
        w.WriteEndObject();
        w.WriteStartObject("status");
        WriteUser(w, "userInfo", user);
        w.WriteEndObject();
        w.WriteEndObject();
    }, StatusCodes.Status201Created);

    // authentication.k8s.io's UserInfo: the same shape in a TokenReview's status and a SelfSubjectReview's.
    private static void WriteUser(Utf8JsonWriter w, string property, UserInfo user)
    {
        w.WriteStartObject(property);
        w.WriteString("username", user.Name);
        w.WriteStartArray("groups");
        foreach (var group in user.Groups)
        {
            w.WriteStringValue(group);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static UserInfo Caller(HttpContext http) => http.Features.Get<UserInfo>() ?? UserInfo.Unsecured;

    private static async Task<byte[]?> ReadBodyAsync(HttpContext http)
    {
        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(8192);
        try
        {
            int read;
            while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
            {
                if (buffer.Length + read > MaxBody)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return buffer.ToArray();
    }

    private static IResult Json(Action<Utf8JsonWriter> write, int statusCode)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return KubeResults.Object(buffer.WrittenSpan.ToArray(), statusCode);
    }
}
