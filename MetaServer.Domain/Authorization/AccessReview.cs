using System.Text.Json;

namespace MetaServer.Domain.Authorization;

/// <summary>
/// The spec of a SelfSubjectAccessReview (authorization.k8s.io/v1): the request whose permission is asked about.
/// Read from JSON or from the Kubernetes protobuf envelope kubectl sends (its typed clients post protobuf).
/// </summary>
public sealed record AccessReview(
    bool IsResourceRequest,
    string Verb,
    string Group = "",
    string Version = "",
    string Resource = "",
    string Subresource = "",
    string Namespace = "",
    string Name = "",
    string Path = "")
{
    private static ReadOnlySpan<byte> ProtobufMagic => "k8s\0"u8;

    /// <summary>The question as an authorizer's input, for <paramref name="user"/>.</summary>
    public AccessRequest For(UserInfo user) =>
        new(user, Verb, IsResourceRequest, Path, Group, Resource, Subresource, Namespace, Name);

    /// <summary>Reads a review body; null when it is neither a JSON nor a protobuf SelfSubjectAccessReview with attributes.</summary>
    public static AccessReview? Parse(ReadOnlySpan<byte> body) =>
        body.StartsWith(ProtobufMagic) ? FromProtobuf(body[ProtobufMagic.Length..]) : FromJson(body);

    /// <summary>The review answered: the spec as asked, and whether it is allowed and why.</summary>
    public void WriteAnswer(Utf8JsonWriter w, AuthorizationDecision decision)
    {
        w.WriteStartObject();
        w.WriteString("kind", "SelfSubjectAccessReview");
        w.WriteString("apiVersion", "authorization.k8s.io/v1");
        w.WriteStartObject("metadata");
        w.WriteNull("creationTimestamp");
        w.WriteEndObject();
        w.WriteStartObject("spec");
        if (IsResourceRequest)
        {
            w.WriteStartObject("resourceAttributes");
            WriteIfSet(w, "namespace", Namespace);
            WriteIfSet(w, "verb", Verb);
            WriteIfSet(w, "group", Group);
            WriteIfSet(w, "version", Version);
            WriteIfSet(w, "resource", Resource);
            WriteIfSet(w, "subresource", Subresource);
            WriteIfSet(w, "name", Name);
        }
        else
        {
            w.WriteStartObject("nonResourceAttributes");
            WriteIfSet(w, "path", Path);
            WriteIfSet(w, "verb", Verb);
        }

        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteStartObject("status");
        w.WriteBoolean("allowed", decision.Allowed);
        WriteIfSet(w, "reason", decision.Reason);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static AccessReview? FromJson(ReadOnlySpan<byte> body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body.ToArray());
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("spec", out var spec) || spec.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            if (spec.TryGetProperty("resourceAttributes", out var r) && r.ValueKind == JsonValueKind.Object)
            {
                return new AccessReview(true, Text(r, "verb"), Text(r, "group"), Text(r, "version"), Text(r, "resource"),
                    Text(r, "subresource"), Text(r, "namespace"), Text(r, "name"));
            }

            if (spec.TryGetProperty("nonResourceAttributes", out var n) && n.ValueKind == JsonValueKind.Object)
            {
                return new AccessReview(false, Text(n, "verb"), Path: Text(n, "path"));
            }

            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // runtime.Unknown{typeMeta=1, raw=2} → SelfSubjectAccessReview{spec=2} → spec{resourceAttributes=1, nonResourceAttributes=2}.
    private static AccessReview? FromProtobuf(ReadOnlySpan<byte> envelope)
    {
        try
        {
            var raw = ProtobufFields.Bytes(envelope, 2);
            var spec = ProtobufFields.Bytes(raw, 2);
            var resource = ProtobufFields.Bytes(spec, 1);
            if (!resource.IsEmpty)
            {
                var f = ProtobufFields.Strings(resource, 7);
                return new AccessReview(true, f[2], f[3], f[4], f[5], f[6], f[1], f[7]);
            }

            var nonResource = ProtobufFields.Bytes(spec, 2);
            if (!nonResource.IsEmpty)
            {
                var f = ProtobufFields.Strings(nonResource, 2);
                return new AccessReview(false, f[2], Path: f[1]);
            }

            return null;
        }
        catch (Protobuf.ProtobufFormatException)
        {
            return null;
        }
    }

    private static string Text(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";

    private static void WriteIfSet(Utf8JsonWriter w, string name, string value)
    {
        if (value.Length > 0)
        {
            w.WriteString(name, value);
        }
    }
}
