using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MetaServer.Domain.Kubernetes;

namespace MetaServer.Api.Kubernetes;

/// <summary>
/// The checks and defaults the apiserver applies to an object's type and metadata before storing it.
/// Each returns the Status that refuses the object, or null.
/// </summary>
internal static partial class ObjectRules
{
    private const string GenerateNameAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    /// <summary>Fills a missing apiVersion/kind from the path; refuses one that names another type (400).</summary>
    public static KubeStatus? CheckTypeMeta(JsonObject obj, ResourceType type)
    {
        var apiVersion = StringOf(obj, "apiVersion");
        var kind = StringOf(obj, "kind");
        if (apiVersion is null && obj.ContainsKey("apiVersion") || kind is null && obj.ContainsKey("kind"))
        {
            return KubeStatus.BadRequest("apiVersion and kind must be strings");
        }

        if (!string.IsNullOrEmpty(kind) && kind != type.Kind)
        {
            return KubeStatus.BadRequest($"{kind} in version \"{apiVersion ?? type.ApiVersion}\" cannot be handled as a {type.Kind}: the kind in the body does not match the resource in the path");
        }

        if (!string.IsNullOrEmpty(apiVersion) && apiVersion != type.ApiVersion)
        {
            return KubeStatus.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({type.ApiVersion})");
        }

        // Keep apiVersion and kind first, as clients print them.
        if (string.IsNullOrEmpty(apiVersion) || string.IsNullOrEmpty(kind))
        {
            var rest = obj.ToArray();
            obj.Clear();
            obj["apiVersion"] = type.ApiVersion;
            obj["kind"] = type.Kind;
            foreach (var (name, value) in rest)
            {
                if (name is not ("apiVersion" or "kind"))
                {
                    obj[name] = value;
                }
            }
        }

        return null;
    }

    /// <summary>The object's metadata, created if missing; a non-object metadata is refused (400).</summary>
    public static JsonObject? Metadata(JsonObject obj, out KubeStatus? error)
    {
        error = null;
        switch (obj["metadata"])
        {
            case JsonObject metadata:
                return metadata;
            case null:
                var created = new JsonObject();
                obj["metadata"] = created;
                return created;
            default:
                error = KubeStatus.BadRequest("metadata must be an object");
                return null;
        }
    }

    /// <summary>Puts the path's namespace on the object; refuses a different one in the body (400).</summary>
    public static KubeStatus? CheckNamespace(JsonObject metadata, ResourceType type, string pathNamespace)
    {
        var bodyNamespace = StringOf(metadata, "namespace");
        if (!type.Namespaced)
        {
            metadata.Remove("namespace");
            return null;
        }

        if (string.IsNullOrEmpty(bodyNamespace))
        {
            metadata["namespace"] = pathNamespace;
            return null;
        }

        return bodyNamespace == pathNamespace
            ? null
            : KubeStatus.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
    }

    /// <summary>Validates a name as a DNS subdomain (a DNS label for namespaces), 422 if it is not one.</summary>
    public static KubeStatus? CheckName(ResourceType type, string name)
    {
        string? problem = null;
        if (type.Resource == "namespaces")
        {
            if (name.Length > 63 || !DnsLabel().IsMatch(name))
            {
                problem = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
            }
        }
        else if (name.Length > 253 || !DnsSubdomain().IsMatch(name))
        {
            problem = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
        }

        return problem is null
            ? null
            : KubeStatus.Invalid(type.Group, type.Kind, name, [new("FieldValueInvalid", $"Invalid value: \"{name}\": {problem}", "metadata.name")]);
    }

    /// <summary>Names the object (generateName) and gives it the identity fields a new object gets.</summary>
    public static KubeStatus? PrepareForCreate(JsonObject metadata, ResourceType type, DateTimeOffset now, out string name)
    {
        name = StringOf(metadata, "name") ?? "";
        if (name.Length == 0)
        {
            var generateName = StringOf(metadata, "generateName");
            if (string.IsNullOrEmpty(generateName))
            {
                return KubeStatus.Invalid(type.Group, type.Kind, "",
                    [new("FieldValueRequired", "Required value: name or generateName is required", "metadata.name")]);
            }

            name = generateName + RandomSuffix();
            metadata["name"] = name;
        }

        if (CheckName(type, name) is { } invalid)
        {
            return invalid;
        }

        if (!string.IsNullOrEmpty(StringOf(metadata, "resourceVersion")))
        {
            return KubeStatus.BadRequest("resourceVersion should not be set on objects to be created");
        }

        metadata.Remove("resourceVersion");
        metadata.Remove("deletionTimestamp");
        metadata.Remove("deletionGracePeriodSeconds");
        metadata["uid"] = Guid.NewGuid().ToString();
        metadata["creationTimestamp"] = Timestamp(now);
        return null;
    }

    /// <summary>
    /// What the apiserver's pod strategy does on create: the status starts over as Pending, with the QoS class
    /// the containers' resources give. The node agent reports the real status through /status afterwards.
    /// </summary>
    public static void PreparePodForCreate(JsonObject pod)
    {
        pod["status"] = new JsonObject { ["phase"] = "Pending", ["qosClass"] = QosClass(pod) };
    }

    private static string QosClass(JsonObject pod)
    {
        var containers = new List<JsonObject>();
        foreach (var list in (ReadOnlySpan<string>)["initContainers", "containers"])
        {
            if (pod["spec"]?[list] is JsonArray array)
            {
                containers.AddRange(array.OfType<JsonObject>());
            }
        }

        var anySet = false;
        var guaranteed = containers.Count > 0;
        foreach (var container in containers)
        {
            var requests = container["resources"]?["requests"] as JsonObject;
            var limits = container["resources"]?["limits"] as JsonObject;
            anySet |= requests is { Count: > 0 } || limits is { Count: > 0 };
            foreach (var resource in (ReadOnlySpan<string>)["cpu", "memory"])
            {
                var limit = limits?[resource]?.ToJsonString();
                var request = requests?[resource]?.ToJsonString() ?? limit; // a limit alone implies the same request
                guaranteed &= limit is not null && request == limit;
            }
        }

        return !anySet ? "BestEffort" : guaranteed ? "Guaranteed" : "Burstable";
    }

    /// <summary>Kubernetes' timestamp form: RFC 3339, UTC, whole seconds.</summary>
    public static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string? StringOf(JsonObject obj, string property) =>
        obj[property] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static string RandomSuffix()
    {
        Span<char> chars = stackalloc char[5];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = GenerateNameAlphabet[Random.Shared.Next(GenerateNameAlphabet.Length)];
        }

        return new string(chars);
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex DnsSubdomain();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex DnsLabel();
}
