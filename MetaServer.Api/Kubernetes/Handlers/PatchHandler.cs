using System.Text.Json.Nodes;
using MetaServer.Api.MetaManager;
using MetaServer.Data;
using MetaServer.Domain.Kubernetes;
using MetaServer.Domain.Patching;
using MetaServer.Domain.Patching.Apply;
using Microsoft.Extensions.Options;

namespace MetaServer.Api.Kubernetes.Handlers;

/// <summary>
/// PATCH: the patch is applied to the object as stored, inside the writer, so two patches to one object
/// never lose each other's changes; the result then follows the update rules. Server-side apply
/// (application/apply-patch+yaml) merges a manager's configuration by field ownership, and creates the object
/// when it does not exist yet.
/// </summary>
internal sealed class PatchHandler(ApiWrites writer, SqliteStore store, IOptions<KubernetesApiOptions> options, KindRules rules) : IVerbHandler
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

        if (CheckOptions(request, body.MediaType, out var force) is { } badOptions)
        {
            return KubeResults.Status(badOptions);
        }

        if (body.MediaType == MediaTypes.ApplyPatch)
        {
            return await ApplyAsync(request, body, force);
        }

        // Strategic merge needs the patch metadata of a built-in kind; like the apiserver, other kinds get 415.
        if (body.MediaType == MediaTypes.StrategicMergePatch && !PatchStrategies.Supports(request.Type.Group, request.Type.Kind))
        {
            return KubeResults.Status(KubeStatus.UnsupportedMediaType(body.MediaType, [MediaTypes.JsonPatch, MediaTypes.MergePatch, MediaTypes.ApplyPatch]));
        }

        var (type, subresource, name, mediaType, patch) = (request.Type, request.Info.Subresource, request.Name, body.MediaType, body.Body);
        var manager = WriteManager.For(request);
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
                : UpdateRules.Decide(type, subresource, name, candidate, current, target, manager);
        })
        {
            DryRun = body.DryRun,
            Subresource = subresource,
        });
        return WriteAnswers.ToResult(result);
    }

    /// <summary>
    /// The PatchOptions checks of the apiserver: apply needs a fieldManager, only apply takes force, and a
    /// fieldManager is short and printable. Each failure is a 422 on PatchOptions.meta.k8s.io, as there.
    /// </summary>
    private static KubeStatus? CheckOptions(ApiRequest request, string mediaType, out bool force)
    {
        force = false;
        var causes = new List<StatusCause>();
        var forceText = request.Query("force");
        var fieldManager = request.Query("fieldManager");
        if (mediaType != MediaTypes.ApplyPatch)
        {
            if (forceText is not null)
            {
                causes.Add(new("FieldValueForbidden", "Forbidden: may not be specified for non-apply patch", "force"));
            }
        }
        else if (string.IsNullOrEmpty(fieldManager))
        {
            causes.Add(new("FieldValueRequired", "Required value: is required for apply patch", "fieldManager"));
        }

        if (WriteManager.Check(fieldManager) is { } badManager)
        {
            causes.Add(badManager);
        }

        if (causes.Count > 0)
        {
            return KubeStatus.Invalid("meta.k8s.io", "PatchOptions", "", causes);
        }

        if (forceText is not null && !bool.TryParse(forceText, out force))
        {
            return KubeStatus.BadRequest($"strconv.ParseBool: parsing \"{forceText}\": invalid syntax");
        }

        return null;
    }

    private async Task<IResult> ApplyAsync(ApiRequest request, WriteInput body, bool force)
    {
        var (type, name, @namespace) = (request.Type, request.Name, request.Namespace);
        if (request.Info.Subresource.Length > 0)
        {
            return KubeResults.Status(KubeStatus.BadRequest(
                $"server-side apply to the {request.Info.Subresource} subresource is not supported by this server; apply to the {type.Resource} resource"));
        }

        if (CheckAppliedConfiguration(request, body.Body, out var config) is { } invalid)
        {
            return KubeResults.Status(invalid);
        }

        // Checked before the write: an object cannot exist (nor be created) in a namespace that does not.
        if (type.Namespaced && await store.GetAsync(BuiltInKeys.Namespace(@namespace), request.Aborted) is null)
        {
            return KubeResults.Status(KubeStatus.NotFound("", "namespaces", @namespace));
        }

        var manager = WriteManager.For(request);
        var fields = WriteManager.FieldsOf(type, "");
        var created = false;
        var result = await writer.WriteAsync(new ObjectWrite(type, @namespace, name, current =>
        {
            var live = current is null ? null : JsonNode.Parse(current.Value)!.AsObject();
            var outcome = FieldManager.Apply(live, config!, fields, manager.Name, force, manager.Time);
            if (outcome.Conflicts.Count > 0)
            {
                return Mutation.Refuse(FieldManager.ConflictStatus(outcome.Conflicts));
            }

            if (outcome.Error is not null)
            {
                return Mutation.Refuse(KubeStatus.Invalid(type.Group, type.Kind, name,
                    [new("FieldValueInvalid", $"failed to create typed patch object ({type.ApiVersion}, Kind={type.Kind}): {outcome.Error}", "patch")]));
            }

            var applied = outcome.Object!;
            if (current is not null)
            {
                created = false;
                return UpdateRules.Decide(type, "", name, applied, current, live);
            }

            created = true;
            return Create(type, name, applied, manager.Now);
        })
        {
            DryRun = body.DryRun,
        });
        return WriteAnswers.ToResult(result, created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    }

    // What a create does to a new object (identity, per-kind rules), for the object an apply brings into being.
    private Mutation Create(ResourceType type, string name, JsonObject obj, DateTimeOffset now)
    {
        var metadata = (JsonObject)obj["metadata"]!;
        if (ObjectRules.StringOf(metadata, "uid") is { Length: > 0 } uid)
        {
            return Mutation.Refuse(KubeStatus.Conflict(type.Group, type.Resource, name,
                $"uid mismatch: the provided object specified uid {uid}, and no existing object was found"));
        }

        var error = ObjectRules.PrepareForCreate(metadata, type, now, out _) ?? rules.BeforeCreate(type, obj, name, now);
        return error is null ? new Mutation.Put(obj) : Mutation.Refuse(error);
    }

    /// <summary>
    /// The applied configuration must be a whole object of the path's type: apiVersion and kind of the resource,
    /// the name on the URL, and no namespace other than the request's (filled in when left out). Refused with the
    /// apiserver's 400s otherwise. managedFields cannot be applied.
    /// </summary>
    private static KubeStatus? CheckAppliedConfiguration(ApiRequest request, byte[] body, out JsonObject? config)
    {
        var type = request.Type;
        config = RequestBody.ParseObject(body, out var error);
        if (config is null)
        {
            return error;
        }

        var apiVersion = ObjectRules.StringOf(config, "apiVersion") ?? "";
        if (apiVersion != type.ApiVersion)
        {
            return KubeStatus.BadRequest($"Incorrect version specified in apply patch. Specified patch version: {apiVersion}, expected: {type.ApiVersion}");
        }

        var kind = ObjectRules.StringOf(config, "kind") ?? "";
        if (kind != type.Kind)
        {
            return kind.Length == 0
                ? KubeStatus.BadRequest("Object 'Kind' is missing in the applied configuration")
                : ObjectRules.CheckTypeMeta(config, type);
        }

        if (config["metadata"] is not JsonObject metadata)
        {
            return KubeStatus.BadRequest($"the name of the object () does not match the name on the URL ({request.Name})");
        }

        if (metadata["managedFields"] is not null)
        {
            return KubeStatus.BadRequest("metadata.managedFields must be nil");
        }

        var name = ObjectRules.StringOf(metadata, "name") ?? "";
        if (name != request.Name)
        {
            return KubeStatus.BadRequest($"the name of the object ({name}) does not match the name on the URL ({request.Name})");
        }

        if (ObjectRules.StringOf(metadata, "namespace") is { Length: > 0 } @namespace && type.Namespaced && @namespace != request.Namespace)
        {
            return KubeStatus.BadRequest($"the namespace of the object ({@namespace}) does not match the namespace on the request ({request.Namespace})");
        }

        return ObjectRules.CheckNamespace(metadata, type, request.Namespace);
    }
}
