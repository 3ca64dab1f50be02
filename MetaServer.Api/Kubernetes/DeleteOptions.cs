using System.Text.Json.Nodes;
using MetaServer.Domain.Kubernetes;

namespace MetaServer.Api.Kubernetes;

/// <summary>The parts of meta.k8s.io/v1 DeleteOptions this server acts on: the preconditions.</summary>
internal sealed record DeleteOptions(string? PreconditionUid, string? PreconditionResourceVersion)
{
    public static readonly DeleteOptions None = new(null, null);

    /// <summary>Reads DeleteOptions from a (possibly empty) body; a malformed one is a 400.</summary>
    public static DeleteOptions? Parse(byte[] body, out KubeStatus? error)
    {
        error = null;
        if (body.Length == 0 || body.AsSpan().Trim(" \t\r\n"u8).IsEmpty)
        {
            return None;
        }

        var obj = RequestBody.ParseObject(body, out error);
        if (obj is null)
        {
            return null;
        }

        if (ObjectRules.StringOf(obj, "kind") is { Length: > 0 } kind && kind != "DeleteOptions")
        {
            error = KubeStatus.BadRequest($"the body of a delete must be DeleteOptions, not {kind}");
            return null;
        }

        var preconditions = obj["preconditions"] as JsonObject;
        return new DeleteOptions(
            preconditions is null ? null : ObjectRules.StringOf(preconditions, "uid"),
            preconditions is null ? null : ObjectRules.StringOf(preconditions, "resourceVersion"));
    }
}
