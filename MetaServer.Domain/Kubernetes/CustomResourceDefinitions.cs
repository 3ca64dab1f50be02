using System.Text.Json.Nodes;

namespace MetaServer.Domain.Kubernetes;

/// <summary>
/// What a CustomResourceDefinition means to this server: the checks it must pass, the resource type it makes
/// servable, and the status the apiserver gives an accepted one. Only the storage version is served: objects
/// are stored once, in that version, and no conversion between versions exists here.
/// </summary>
public static class CustomResourceDefinitions
{
    /// <summary>Why the definition cannot be accepted (field causes for a 422), or none.</summary>
    public static IReadOnlyList<StatusCause> Validate(JsonObject crd, ResourceCatalog builtIn)
    {
        var causes = new List<StatusCause>();
        var spec = crd["spec"] as JsonObject;
        var group = Text(spec, "group");
        var plural = Text(spec?["names"] as JsonObject, "plural");
        var kind = Text(spec?["names"] as JsonObject, "kind");
        var scope = Text(spec, "scope");
        var name = Text(crd["metadata"] as JsonObject, "name");
        if (group.Length == 0 || !group.Contains('.', StringComparison.Ordinal))
        {
            causes.Add(new("FieldValueInvalid", "should be a domain with at least one dot", "spec.group"));
        }

        if (plural.Length == 0 || plural != plural.ToLowerInvariant())
        {
            causes.Add(new("FieldValueRequired", "must be a lowercase plural name", "spec.names.plural"));
        }

        if (kind.Length == 0)
        {
            causes.Add(new("FieldValueRequired", "Required value", "spec.names.kind"));
        }

        if (scope is not ("Namespaced" or "Cluster"))
        {
            causes.Add(new("FieldValueNotSupported", "supported values: \"Cluster\", \"Namespaced\"", "spec.scope"));
        }

        if (name != plural + "." + group)
        {
            causes.Add(new("FieldValueInvalid", $"must be spec.names.plural+\".\"+spec.group", "metadata.name"));
        }

        var storage = (spec?["versions"] as JsonArray)?.OfType<JsonObject>().Where(v => v["storage"]?.GetValueKind() == System.Text.Json.JsonValueKind.True).ToArray() ?? [];
        if (storage.Length != 1)
        {
            causes.Add(new("FieldValueInvalid", "must have exactly one version marked as storage version", "spec.versions"));
        }
        else if (builtIn.Find(group, Text(storage[0], "name"), plural) is not null)
        {
            causes.Add(new("FieldValueInvalid", "names a resource this server already serves", "spec.names.plural"));
        }

        return causes;
    }

    /// <summary>The resource type the definition serves (its storage version), or null if it is not valid.</summary>
    public static ResourceType? ServedType(JsonObject crd)
    {
        var spec = crd["spec"] as JsonObject;
        var names = spec?["names"] as JsonObject;
        var storage = (spec?["versions"] as JsonArray)?.OfType<JsonObject>()
            .FirstOrDefault(v => v["storage"]?.GetValueKind() == System.Text.Json.JsonValueKind.True);
        if (spec is null || names is null || storage is null)
        {
            return null;
        }

        var shortNames = (names["shortNames"] as JsonArray)?.Select(n => n?.GetValue<string>() ?? "").Where(n => n.Length > 0).ToArray() ?? [];
        var subresources = storage["subresources"]?["status"] is not null ? new[] { "status" } : [];
        var singular = Text(names, "singular");
        return new ResourceType(Text(spec, "group"), Text(storage, "name"), Text(names, "plural"), Text(names, "kind"),
            Text(spec, "scope") == "Namespaced", singular.Length > 0 ? singular : Text(names, "kind").ToLowerInvariant(), shortNames, subresources);
    }

    /// <summary>The status an accepted definition gets: its names accepted, established, its storage version recorded.</summary>
    public static void SetAccepted(JsonObject crd, string timestamp)
    {
        var spec = crd["spec"] as JsonObject;
        var storage = ServedType(crd)?.Version;
        crd["status"] = new JsonObject
        {
            ["acceptedNames"] = spec?["names"]?.DeepClone(),
            ["conditions"] = new JsonArray(
                Condition("NamesAccepted", "NoConflicts", "no conflicts found", timestamp),
                Condition("Established", "InitialNamesAccepted", "the initial names have been accepted", timestamp)),
            ["storedVersions"] = storage is null ? new JsonArray() : new JsonArray(storage),
        };
    }

    private static JsonObject Condition(string type, string reason, string message, string timestamp) => new()
    {
        ["type"] = type,
        ["status"] = "True",
        ["lastTransitionTime"] = timestamp,
        ["reason"] = reason,
        ["message"] = message,
    };

    private static string Text(JsonObject? obj, string property) =>
        obj?[property] is JsonValue value && value.TryGetValue<string>(out var text) ? text : "";
}
