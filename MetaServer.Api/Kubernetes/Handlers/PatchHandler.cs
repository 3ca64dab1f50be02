using System.Text.Json.Nodes;
using MetaServer.Api.MetaManager;
using MetaServer.Data;
using MetaServer.Domain.Kubernetes;
using MetaServer.Domain.Patching;
using Microsoft.Extensions.Options;

namespace MetaServer.Api.Kubernetes.Handlers;

/// <summary>
/// PATCH: the patch is applied to the object as stored, inside the writer, so two patches to one object
/// never lose each other's changes; the result then follows the update rules.
/// </summary>
internal sealed class PatchHandler(ApiWrites writer, IOptions<KubernetesApiOptions> options) : IVerbHandler
{
    public async Task<IResult> HandleAsync(ApiRequest request)
    {
        var body = await WriteRequest.ReadAsync(request, MediaTypes.PatchBodies, options.Value.MaxRequestBodyBytes);
        if (body.Error is not null)
        {
            return KubeResults.Status(body.Error);
        }

        if (RequestBody.CheckJson(body.Body) is { } malformed)
        {
            return KubeResults.Status(malformed);
        }

        // Strategic merge needs the patch metadata of a built-in kind; like the apiserver, other kinds get 415.
        if (body.MediaType == MediaTypes.StrategicMergePatch && !PatchStrategies.Supports(request.Type.Group, request.Type.Kind))
        {
            return KubeResults.Status(KubeStatus.UnsupportedMediaType(body.MediaType, [MediaTypes.JsonPatch, MediaTypes.MergePatch]));
        }

        var (type, subresource, name, mediaType, patch) = (request.Type, request.Info.Subresource, request.Name, body.MediaType, body.Body);
        var result = await writer.WriteAsync(new ObjectWrite(type, request.Namespace, name, current =>
        {
            if (current is null)
            {
                return Mutation.Refuse(KubeStatus.NotFound(type.Group, type.Resource, name));
            }

            // The patches work on a copy, so the parsed target is still the stored object for the update rules.
            var target = JsonNode.Parse(current.Value)!.AsObject();
            var patched = mediaType switch
            {
                MediaTypes.JsonPatch => JsonPatch.Apply(target, patch),
                MediaTypes.StrategicMergePatch => StrategicMergePatch.Apply(target, patch, type.Group, type.Kind),
                _ => MergePatch.Apply(target, patch),
            };
            if (patched.Error is not null || patched.Result is not JsonObject candidate)
            {
                return Mutation.Refuse(KubeStatus.Invalid(type.Group, type.Kind, name,
                    [new("FieldValueInvalid", patched.Error ?? "the patched document is not an object", "patch")]));
            }

            return ObjectRules.CheckTypeMeta(candidate, type) is { } typeError
                ? Mutation.Refuse(typeError)
                : UpdateRules.Decide(type, subresource, name, candidate, current, target);
        })
        {
            DryRun = body.DryRun,
            Subresource = subresource,
        });
        return WriteAnswers.ToResult(result);
    }
}
