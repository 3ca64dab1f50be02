using System.Text.Json.Nodes;
using MetaServer.Domain.Kubernetes;

namespace MetaServer.Api.CloudLink;

/// <summary>One resource the edge syncs from the cloud: what to list and watch there, and which local keys it covers.</summary>
/// <param name="Type">The served type.</param>
/// <param name="Namespace">Only this namespace (null: all).</param>
/// <param name="FieldSelector">Narrows the list and watch upstream (the node's pods, its Node and Lease).</param>
/// <param name="ReferencedOnly">Only the objects the node's pods reference (configmaps, secrets, ...).</param>
internal sealed record SyncedResource(ResourceType Type, string? Namespace, string? FieldSelector, bool ReferencedOnly)
{
    public string ListPath
    {
        get
        {
            var path = Upstream.PathOf(Type, Namespace);
            return FieldSelector is null ? path : path + "?fieldSelector=" + Uri.EscapeDataString(FieldSelector);
        }
    }

    /// <summary>The local keys this resource is the truth for: what a relist compares with.</summary>
    public string LocalPrefix => Type.KeyPrefix(Type.Namespaced ? Namespace : null);
}

/// <summary>
/// The node's scope, as KubeEdge's edge controller keeps it: its Node, its Lease, the pods bound to it, the
/// configmaps, secrets, service accounts and claims those pods reference, the namespaces, services, endpoints and
/// endpoint slices, the RBAC objects (authorization is decided locally), and any extra resources configured.
/// </summary>
internal static class SyncScope
{
    public static IReadOnlyList<SyncedResource> For(string node, ResourceCatalog catalog, IEnumerable<ResourceType> extra)
    {
        ResourceType Core(string resource) => catalog.Find("", "v1", resource)!;
        var resources = new List<SyncedResource>
        {
            new(Core("namespaces"), null, null, false),
            new(Core("nodes"), null, "metadata.name=" + node, false),
            new(Core("pods"), null, "spec.nodeName=" + node, false),
            new(Core("configmaps"), null, null, true),
            new(Core("secrets"), null, null, true),
            new(Core("serviceaccounts"), null, null, true),
            new(Core("persistentvolumeclaims"), null, null, true),
            new(Core("services"), null, null, false),
            new(Core("endpoints"), null, null, false),
            new(catalog.Find("discovery.k8s.io", "v1", "endpointslices")!, null, null, false),
            new(catalog.Find("coordination.k8s.io", "v1", "leases")!, "kube-node-lease", "metadata.name=" + node, false),
        };
        // RBAC is evaluated locally, so it keeps deciding while the cloud is unreachable.
        foreach (var resource in new[] { "roles", "rolebindings", "clusterroles", "clusterrolebindings" })
        {
            if (catalog.Find("rbac.authorization.k8s.io", "v1", resource) is { } rbac)
            {
                resources.Add(new SyncedResource(rbac, null, null, false));
            }
        }

        foreach (var type in extra)
        {
            if (!resources.Any(r => r.Type == type))
            {
                resources.Add(new SyncedResource(type, null, null, false));
            }
        }

        return resources;
    }

    /// <summary>
    /// What a pod references, as local keys: configmaps and secrets in volumes (also projected), env and envFrom,
    /// image pull secrets, its service account and its claims.
    /// </summary>
    public static IEnumerable<string> References(JsonObject pod, ResourceCatalog catalog)
    {
        var ns = pod["metadata"]?["namespace"]?.GetValue<string>() ?? "default";
        var configMaps = catalog.Find("", "v1", "configmaps")!;
        var secrets = catalog.Find("", "v1", "secrets")!;
        var accounts = catalog.Find("", "v1", "serviceaccounts")!;
        var claims = catalog.Find("", "v1", "persistentvolumeclaims")!;
        var spec = pod["spec"] as JsonObject;
        if (spec is null)
        {
            yield break;
        }

        yield return accounts.KeyOf(ns, Text(spec["serviceAccountName"]) ?? "default");
        foreach (var volume in Items(spec["volumes"]))
        {
            if (Text(volume["configMap"]?["name"]) is { } cm)
                yield return configMaps.KeyOf(ns, cm);
            if (Text(volume["secret"]?["secretName"]) is { } secret)
                yield return secrets.KeyOf(ns, secret);
            if (Text(volume["persistentVolumeClaim"]?["claimName"]) is { } claim)
                yield return claims.KeyOf(ns, claim);
            foreach (var source in Items(volume["projected"]?["sources"]))
            {
                if (Text(source["configMap"]?["name"]) is { } pcm)
                    yield return configMaps.KeyOf(ns, pcm);
                if (Text(source["secret"]?["name"]) is { } psecret)
                    yield return secrets.KeyOf(ns, psecret);
            }
        }

        foreach (var pull in Items(spec["imagePullSecrets"]))
        {
            if (Text(pull["name"]) is { } name)
                yield return secrets.KeyOf(ns, name);
        }

        foreach (var container in Items(spec["containers"]).Concat(Items(spec["initContainers"])))
        {
            foreach (var env in Items(container["env"]))
            {
                if (Text(env["valueFrom"]?["configMapKeyRef"]?["name"]) is { } cm)
                    yield return configMaps.KeyOf(ns, cm);
                if (Text(env["valueFrom"]?["secretKeyRef"]?["name"]) is { } secret)
                    yield return secrets.KeyOf(ns, secret);
            }

            foreach (var from in Items(container["envFrom"]))
            {
                if (Text(from["configMapRef"]?["name"]) is { } cm)
                    yield return configMaps.KeyOf(ns, cm);
                if (Text(from["secretRef"]?["name"]) is { } secret)
                    yield return secrets.KeyOf(ns, secret);
            }
        }
    }

    private static IEnumerable<JsonObject> Items(JsonNode? node) =>
        node is JsonArray array ? array.OfType<JsonObject>() : [];

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0 ? text : null;
}
