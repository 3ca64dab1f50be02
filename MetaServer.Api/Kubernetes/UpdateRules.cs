using System.Globalization;
using System.Text.Json.Nodes;
using MetaServer.Data;
using MetaServer.Domain.Kubernetes;

namespace MetaServer.Api.Kubernetes;

/// <summary>
/// How an update (a PUT, or the result of a patch) becomes the object stored, decided against the current
/// object inside the writer: preconditions, fields the client cannot change, status vs main resource, and
/// the end of a deletion once the last finalizer is gone.
/// </summary>
internal static class UpdateRules
{
    /// <param name="currentObject">The stored object already parsed (a patch parsed it as its target), or null.</param>
    /// <param name="manager">Who the write is recorded for in managedFields; null records nothing (apply records its own).</param>
    public static Mutation Decide(ResourceType type, string subresource, string name, JsonObject candidate, StoredObject current,
        JsonObject? currentObject = null, WriteManager? manager = null)
    {
        currentObject ??= JsonNode.Parse(current.Value)!.AsObject();
        var currentMeta = (JsonObject)currentObject["metadata"]!;
        if (candidate["metadata"] is not JsonObject candidateMeta)
        {
            return Mutation.Refuse(KubeStatus.BadRequest("metadata must be an object"));
        }

        if (ObjectRules.StringOf(candidateMeta, "name") is { } candidateName && candidateName != name)
        {
            return Mutation.Refuse(KubeStatus.BadRequest($"the name of the object ({candidateName}) does not match the name on the URL ({name})"));
        }

        if (ObjectRules.StringOf(candidateMeta, "resourceVersion") is { Length: > 0 } expected
            && expected != current.ResourceVersion.ToString(CultureInfo.InvariantCulture))
        {
            return Mutation.Refuse(KubeStatus.Conflict(type.Group, type.Resource, name, KubeStatus.StaleObjectMessage));
        }

        var currentUid = ObjectRules.StringOf(currentMeta, "uid");
        if (ObjectRules.StringOf(candidateMeta, "uid") is { Length: > 0 } uid && uid != currentUid)
        {
            return Mutation.Refuse(KubeStatus.Conflict(type.Group, type.Resource, name,
                $"Precondition failed: UID in precondition: {uid}, UID in object meta: {currentUid}"));
        }

        JsonObject result;
        if (subresource == "status")
        {
            // A status write changes status only; everything else stays as stored.
            result = currentObject;
            result["status"] = candidate["status"]?.DeepClone();
        }
        else
        {
            result = candidate;
            foreach (var field in (ReadOnlySpan<string>)["uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "namespace"])
            {
                candidateMeta[field] = currentMeta[field]?.DeepClone();
                if (candidateMeta[field] is null)
                {
                    candidateMeta.Remove(field);
                }
            }

            if (type.HasSubresource("status"))
            {
                // The main resource cannot change status; the status subresource is the way to.
                if (currentObject["status"] is { } status)
                {
                    result["status"] = status.DeepClone();
                }
                else
                {
                    result.Remove("status");
                }
            }
        }

        if (result["metadata"] is JsonObject resultMeta && resultMeta.ContainsKey("deletionTimestamp") && !HasFinalizers(resultMeta))
        {
            return Mutation.Remove;
        }

        if (manager?.RecordUpdate(type, subresource, name, current.Value, result) is { } invalid)
        {
            return Mutation.Refuse(invalid);
        }

        return new Mutation.Put(result);
    }

    public static bool HasFinalizers(JsonObject metadata) => metadata["finalizers"] is JsonArray { Count: > 0 };
}
