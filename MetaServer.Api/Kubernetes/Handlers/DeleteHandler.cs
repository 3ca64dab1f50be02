using System.Globalization;
using System.Text.Json.Nodes;
using MetaServer.Api.MetaManager;
using MetaServer.Data;
using MetaServer.Domain.Kubernetes;
using Microsoft.Extensions.Options;

namespace MetaServer.Api.Kubernetes.Handlers;

/// <summary>
/// DELETE of one object. Preconditions are checked against the stored object; an object with finalizers is
/// only marked (deletionTimestamp) and goes when its last finalizer is removed.
/// </summary>
internal sealed class DeleteHandler(
    ApiWrites writer,
    IOptions<KubernetesApiOptions> options,
    TimeProvider clock,
    KindRules rules) : IVerbHandler
{
    public async Task<IResult> HandleAsync(ApiRequest request)
    {
        if (request.Info.Subresource.Length > 0)
        {
            return KubeResults.Status(KubeStatus.MethodNotSupported(request.Type.Group, request.Type.Resource + "/" + request.Info.Subresource, "delete"));
        }

        var input = await WriteRequest.ReadAsync(request, MediaTypes.ObjectBodies, options.Value.MaxRequestBodyBytes);
        if (input.Error is not null)
        {
            return KubeResults.Status(input.Error);
        }

        var deleteOptions = DeleteOptions.Parse(input.Body, out var error);
        if (deleteOptions is null)
        {
            return KubeResults.Status(error!);
        }

        var plan = rules.PlanDelete(request.Type, request.Name);
        if (plan.Refusal is not null)
        {
            return KubeResults.Status(plan.Refusal);
        }

        var result = await writer.WriteAsync(Write(request.Type, request.Namespace, request.Name, deleteOptions, clock.GetUtcNow()) with { DryRun = input.DryRun });
        if (result is WriteResult.Committed { Type: ChangeType.Deleted } && plan.AfterDeleted is { } follow)
        {
            await follow();
        }

        return Answer(request.Type, request.Name, result);
    }

    /// <summary>The write that deletes (or marks for deletion) one object; shared with deletecollection.</summary>
    public static ObjectWrite Write(ResourceType type, string @namespace, string name, DeleteOptions deleteOptions, DateTimeOffset now) =>
        new(type, @namespace, name, current =>
        {
            if (current is null)
            {
                return Mutation.Refuse(KubeStatus.NotFound(type.Group, type.Resource, name));
            }

            var obj = JsonNode.Parse(current.Value)!.AsObject();
            var metadata = (JsonObject)obj["metadata"]!;
            var uid = ObjectRules.StringOf(metadata, "uid");
            if (deleteOptions.PreconditionUid is { Length: > 0 } expectedUid && expectedUid != uid)
            {
                return Mutation.Refuse(KubeStatus.Conflict(type.Group, type.Resource, name,
                    $"Precondition failed: UID in precondition: {expectedUid}, UID in object meta: {uid}"));
            }

            var rv = current.ResourceVersion.ToString(CultureInfo.InvariantCulture);
            if (deleteOptions.PreconditionResourceVersion is { Length: > 0 } expectedRv && expectedRv != rv)
            {
                return Mutation.Refuse(KubeStatus.Conflict(type.Group, type.Resource, name,
                    $"Precondition failed: ResourceVersion in precondition: {expectedRv}, ResourceVersion in object meta: {rv}"));
            }

            if (!UpdateRules.HasFinalizers(metadata))
            {
                return Mutation.Remove;
            }

            // Finalizers pending: mark it; whoever owns a finalizer removes it and that update ends the object.
            if (!metadata.ContainsKey("deletionTimestamp"))
            {
                metadata["deletionTimestamp"] = ObjectRules.Timestamp(now);
                metadata["deletionGracePeriodSeconds"] = 0;
            }

            return new Mutation.Put(obj);
        })
        {
            Deletes = true,
        };

    /// <summary>
    /// A completed delete answers a Success Status naming the object (pods answer the object itself, as the
    /// apiserver does); a delete waiting on finalizers answers the marked object.
    /// </summary>
    private static IResult Answer(ResourceType type, string name, WriteResult result)
    {
        var deleted = result switch
        {
            WriteResult.Committed { Type: ChangeType.Deleted } committed => committed.Object,
            WriteResult.WouldCommit { Type: ChangeType.Deleted } dryRun => dryRun.Object,
            _ => null,
        };
        if (deleted is not null && type.Resource != "pods")
        {
            var uid = JsonNode.Parse(deleted.Value)?["metadata"]?["uid"]?.GetValue<string>();
            return KubeResults.Status(KubeStatus.Deleted(type.Group, type.Resource, name, uid));
        }

        return WriteAnswers.ToResult(result);
    }
}
