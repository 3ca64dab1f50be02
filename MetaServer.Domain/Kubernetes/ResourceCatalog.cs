using System.Collections.Frozen;

namespace MetaServer.Domain.Kubernetes;

/// <summary>The resources this server knows, looked up by group, version and resource name.</summary>
public sealed class ResourceCatalog
{
    private readonly FrozenDictionary<(string Group, string Version, string Resource), ResourceType> _byPath;

    public ResourceCatalog(IEnumerable<ResourceType> types)
    {
        All = types.ToArray();
        _byPath = All.ToFrozenDictionary(t => (t.Group, t.Version, t.Resource));
        GroupVersions = All.Select(t => (t.Group, t.Version)).Distinct().ToArray();
    }

    public IReadOnlyList<ResourceType> All { get; }

    /// <summary>Every (group, version) served, in catalog order; the core group is "".</summary>
    public IReadOnlyList<(string Group, string Version)> GroupVersions { get; }

    public ResourceType? Find(string group, string version, string resource) =>
        _byPath.TryGetValue((group, version, resource), out var type) ? type : null;

    public bool ServesGroupVersion(string group, string version) =>
        GroupVersions.Contains((group, version));

    /// <summary>apiextensions.k8s.io/v1 CustomResourceDefinitions: creating one makes its resources servable.</summary>
    public static ResourceType CustomResourceDefinitions { get; } =
        new("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", false, "customresourcedefinition", ["crd", "crds"], ["status"]);

    /// <summary>The built-in kinds an edge node sees, each with the scope the real API server gives it.</summary>
    public static ResourceCatalog BuiltIn { get; } = new(
    [
        Core("pods", "Pod", true, "pod", ["po"], ["status"]),
        Core("configmaps", "ConfigMap", true, "configmap", ["cm"]),
        Core("secrets", "Secret", true, "secret", []),
        Core("services", "Service", true, "service", ["svc"], ["status"]),
        Core("endpoints", "Endpoints", true, "endpoints", ["ep"]),
        Core("nodes", "Node", false, "node", ["no"], ["status"]),
        Core("namespaces", "Namespace", false, "namespace", ["ns"], ["status"]),
        Core("events", "Event", true, "event", ["ev"]),
        Core("serviceaccounts", "ServiceAccount", true, "serviceaccount", ["sa"]),
        Core("persistentvolumes", "PersistentVolume", false, "persistentvolume", ["pv"], ["status"]),
        Core("persistentvolumeclaims", "PersistentVolumeClaim", true, "persistentvolumeclaim", ["pvc"], ["status"]),
        new("coordination.k8s.io", "v1", "leases", "Lease", true, "lease", [], []),
        new("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", true, "endpointslice", [], []),
        new("storage.k8s.io", "v1", "volumeattachments", "VolumeAttachment", false, "volumeattachment", [], ["status"]),
        new("storage.k8s.io", "v1", "csinodes", "CSINode", false, "csinode", [], []),
        new("node.k8s.io", "v1", "runtimeclasses", "RuntimeClass", false, "runtimeclass", [], []),
        new("rbac.authorization.k8s.io", "v1", "roles", "Role", true, "role", [], []),
        new("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true, "rolebinding", [], []),
        new("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false, "clusterrole", [], []),
        new("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", false, "clusterrolebinding", [], []),
        CustomResourceDefinitions,
    ]);

    /// <summary>This catalog with <paramref name="more"/> added (custom resources); built-in entries win a clash.</summary>
    public ResourceCatalog With(IEnumerable<ResourceType> more) =>
        new(All.Concat(more.Where(t => Find(t.Group, t.Version, t.Resource) is null)));

    private static ResourceType Core(string resource, string kind, bool namespaced, string singular,
        string[] shortNames, string[]? subresources = null) =>
        new("", "v1", resource, kind, namespaced, singular, shortNames, subresources ?? []);
}
