using System.Text.Json;

namespace MetaServer.Domain.Kubernetes;

/// <summary>
/// A meta.k8s.io/v1 Status: the answer a Kubernetes client expects for every error (and for a delete
/// that returns no object). Built by the small constructors below, never from ad-hoc strings at call sites.
/// </summary>
public sealed record KubeStatus(int Code, string Reason, string Message)
{
    public bool Success { get; init; }
    public string? DetailsName { get; init; }
    public string? DetailsGroup { get; init; }
    public string? DetailsKind { get; init; }
    public string? DetailsUid { get; init; }
    public int? RetryAfterSeconds { get; init; }
    public IReadOnlyList<StatusCause> Causes { get; init; } = [];

    /// <summary>"pods" for the core group, "leases.coordination.k8s.io" otherwise, as the apiserver prints it.</summary>
    public static string Qualified(string group, string resource) => group.Length == 0 ? resource : resource + "." + group;

    public static KubeStatus NotFound(string group, string resource, string name) =>
        new(404, "NotFound", $"{Qualified(group, resource)} \"{name}\" not found")
        {
            DetailsName = name,
            DetailsGroup = group,
            DetailsKind = resource,
        };

    /// <summary>A path that names nothing this server serves.</summary>
    public static KubeStatus PathNotFound() => new(404, "NotFound", "the server could not find the requested resource");

    public static KubeStatus AlreadyExists(string group, string resource, string name) =>
        new(409, "AlreadyExists", $"{Qualified(group, resource)} \"{name}\" already exists")
        {
            DetailsName = name,
            DetailsGroup = group,
            DetailsKind = resource,
        };

    public static KubeStatus Conflict(string group, string resource, string name, string why) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {Qualified(group, resource)} \"{name}\": {why}")
        {
            DetailsName = name,
            DetailsGroup = group,
            DetailsKind = resource,
        };

    public const string StaleObjectMessage = "the object has been modified; please apply your changes to the latest version and try again";

    public static KubeStatus BadRequest(string message) => new(400, "BadRequest", message);

    /// <summary>422: the object is well-formed but not acceptable, with one cause per field.</summary>
    public static KubeStatus Invalid(string group, string kind, string name, IReadOnlyList<StatusCause> causes)
    {
        var detail = string.Join(", ", causes.Select(c => c.Field is null ? c.Message : $"{c.Field}: {c.Message}"));
        var what = group.Length == 0 ? kind : kind + "." + group;
        return new(422, "Invalid", $"{what} \"{name}\" is invalid: {detail}")
        {
            DetailsName = name,
            DetailsGroup = group,
            DetailsKind = kind,
            Causes = causes,
        };
    }

    public static KubeStatus MethodNotSupported(string group, string resource, string verb) =>
        new(405, "MethodNotAllowed", $"{verb} is not supported on resources of kind \"{Qualified(group, resource)}\"")
        {
            DetailsGroup = group,
            DetailsKind = resource,
        };

    public static KubeStatus MethodNotAllowed(string method) =>
        new(405, "MethodNotAllowed", $"the server does not allow this method on the requested resource: {method}");

    public static KubeStatus UnsupportedMediaType(string contentType, IEnumerable<string> accepted) =>
        new(415, "UnsupportedMediaType",
            $"the body of the request was in an unknown format ({contentType}) - accepted media types include: {string.Join(", ", accepted)}");

    public static KubeStatus NotAcceptable(IEnumerable<string> available) =>
        new(406, "NotAcceptable", $"only the following media types are accepted: {string.Join(", ", available)}");

    public static KubeStatus RequestEntityTooLarge(long limit) =>
        new(413, "RequestEntityTooLarge", $"Request entity too large: limit is {limit}");

    public static KubeStatus Expired(string message) => new(410, "Expired", message);

    public static KubeStatus InternalError(string message) =>
        new(500, "InternalError", $"Internal error occurred: {message}") { Causes = [new("UnexpectedServerResponse", message)] };

    /// <summary>403 about one object, or about the resource as a whole when <paramref name="name"/> is empty.</summary>
    public static KubeStatus Forbidden(string group, string resource, string name, string why) =>
        new(403, "Forbidden", name.Length == 0
            ? $"{Qualified(group, resource)} is forbidden: {why}"
            : $"{Qualified(group, resource)} \"{name}\" is forbidden: {why}")
        {
            DetailsName = name,
            DetailsGroup = group,
            DetailsKind = resource,
        };

    /// <summary>The server cannot do it now (the cloud is unreachable); the client may retry.</summary>
    public static KubeStatus ServiceUnavailable(string message, int retryAfterSeconds = 5) =>
        new(503, "ServiceUnavailable", message) { RetryAfterSeconds = retryAfterSeconds };

    /// <summary>401: the request carries no credentials the server accepts.</summary>
    public static KubeStatus Unauthorized() => new(401, "Unauthorized", "Unauthorized");

    public static KubeStatus Timeout(string message, int retryAfterSeconds) =>
        new(504, "Timeout", message) { RetryAfterSeconds = retryAfterSeconds };

    /// <summary>What a delete answers when it has no object to return.</summary>
    public static KubeStatus Deleted(string group, string resource, string name, string? uid) =>
        new(200, "", "")
        {
            Success = true,
            DetailsName = name,
            DetailsGroup = group,
            DetailsKind = resource,
            DetailsUid = uid,
        };

    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("kind", "Status");
        writer.WriteString("apiVersion", "v1");
        writer.WriteStartObject("metadata");
        writer.WriteEndObject();
        writer.WriteString("status", Success ? "Success" : "Failure");
        if (Message.Length > 0)
        {
            writer.WriteString("message", Message);
        }

        if (Reason.Length > 0)
        {
            writer.WriteString("reason", Reason);
        }

        if (DetailsName is not null || DetailsKind is not null || Causes.Count > 0 || RetryAfterSeconds is not null)
        {
            writer.WriteStartObject("details");
            WriteIfSet(writer, "name", DetailsName);
            WriteIfSet(writer, "group", DetailsGroup);
            WriteIfSet(writer, "kind", DetailsKind);
            WriteIfSet(writer, "uid", DetailsUid);
            if (Causes.Count > 0)
            {
                writer.WriteStartArray("causes");
                foreach (var cause in Causes)
                {
                    writer.WriteStartObject();
                    writer.WriteString("reason", cause.Reason);
                    writer.WriteString("message", cause.Message);
                    WriteIfSet(writer, "field", cause.Field);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            if (RetryAfterSeconds is { } retry)
            {
                writer.WriteNumber("retryAfterSeconds", retry);
            }

            writer.WriteEndObject();
        }

        writer.WriteNumber("code", Code);
        writer.WriteEndObject();
    }

    public byte[] ToUtf8Json()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteTo(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteIfSet(Utf8JsonWriter writer, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            writer.WriteString(name, value);
        }
    }
}
