using System.Text.Json.Nodes;
using MetaServer.Domain.Kubernetes;

namespace MetaServer.Api.Kubernetes;

/// <summary>What every write reads first: its dryRun flag and its body, or the Status that refuses them.</summary>
internal readonly record struct WriteInput(bool DryRun, byte[] Body, string MediaType, KubeStatus? Error);

/// <summary>The steps the write verbs share: reading the request, and checking an object body against the path.</summary>
internal static class WriteRequest
{
    public static async Task<WriteInput> ReadAsync(ApiRequest request, IReadOnlyList<string> mediaTypes, long limit)
    {
        var dryRun = WriteAnswers.DryRun(request, out var dryRunError);
        if (dryRun is null)
        {
            return new(false, [], "", dryRunError);
        }

        var body = await RequestBody.ReadAsync(request.Http.Request, mediaTypes, limit, request.Aborted);
        return new(dryRun.Value, body.Bytes, body.MediaType, body.Error);
    }

    /// <summary>The body as an object of the path's type and namespace (both filled in when missing), with its metadata.</summary>
    public static JsonObject? ParseObject(ApiRequest request, byte[] body, out JsonObject metadata, out KubeStatus? error)
    {
        metadata = null!;
        var obj = RequestBody.ParseObject(body, out error);
        if (obj is null)
        {
            return null;
        }

        var meta = ObjectRules.Metadata(obj, out error);
        error ??= ObjectRules.CheckTypeMeta(obj, request.Type) ?? ObjectRules.CheckNamespace(meta!, request.Type, request.Namespace);
        if (error is not null)
        {
            return null;
        }

        metadata = meta!;
        return obj;
    }
}
