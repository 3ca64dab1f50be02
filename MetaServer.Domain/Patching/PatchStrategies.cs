using System.Collections.Frozen;
using static MetaServer.Domain.Patching.PatchStrategy;

namespace MetaServer.Domain.Patching;

/// <summary>
/// The <c>patchStrategy</c>/<c>patchMergeKey</c> tags of the built-in kinds this server serves, as k8s.io/api v0.32
/// declares them. Fields with only <c>+listType=map</c> and no patch tag (resources.claims, resizePolicy, taints,
/// tolerations, endpoint subsets, ...) are atomic for strategic merge patch and so are absent here.
/// </summary>
public static class PatchStrategies
{
    private static readonly (string Path, PatchStrategy Strategy, string? MergeKey)[] ObjectMeta =
    [
        ("metadata.finalizers", Merge, null),
        ("metadata.ownerReferences", Merge, "uid"),
    ];

    // Container and EphemeralContainer (through EphemeralContainerCommon) carry the same tags.
    private static readonly (string, PatchStrategy, string?)[] Container =
    [
        ("ports", Merge, "containerPort"),
        ("env", Merge, "name"),
        ("volumeMounts", Merge, "mountPath"),
        ("volumeDevices", Merge, "devicePath"),
    ];

    private static readonly (string, PatchStrategy, string?)[] ContainerStatus =
    [
        ("volumeMounts", Merge, "mountPath"),
        ("allocatedResourcesStatus", Merge, "name"),
    ];

    private static readonly (string, PatchStrategy, string?)[] PodSpec =
    [
        ("volumes", Merge | RetainKeys, "name"),
        ("initContainers", Merge, "name"),
        ("containers", Merge, "name"),
        ("ephemeralContainers", Merge, "name"),
        ("imagePullSecrets", Merge, "name"),
        ("hostAliases", Merge, "ip"),
        ("topologySpreadConstraints", Merge, "topologyKey"),
        ("schedulingGates", Merge, "name"),
        ("resourceClaims", Merge | RetainKeys, "name"),
        .. Under("initContainers[]", Container),
        .. Under("containers[]", Container),
        .. Under("ephemeralContainers[]", Container),
    ];

    private static readonly (string, PatchStrategy, string?)[] PodStatus =
    [
        ("conditions", Merge, "type"),
        ("hostIPs", Merge, "ip"),
        ("podIPs", Merge, "ip"),
        ("resourceClaimStatuses", Merge | RetainKeys, "name"),
        .. Under("initContainerStatuses[]", ContainerStatus),
        .. Under("containerStatuses[]", ContainerStatus),
        .. Under("ephemeralContainerStatuses[]", ContainerStatus),
    ];

    private static readonly FrozenDictionary<(string Group, string Kind), PatchSchema> Kinds =
        new Dictionary<(string, string), PatchSchema>
        {
            [("", "Pod")] = Kind(Under("spec", PodSpec), Under("status", PodStatus)),
            [("", "Service")] = Kind([("spec.ports", Merge, "port"), ("status.conditions", Merge, "type")]),
            [("", "Node")] = Kind(
            [
                ("spec.podCIDRs", Merge, null),
                ("status.conditions", Merge, "type"),
                ("status.addresses", Merge, "type"),
            ]),
            [("", "Namespace")] = Kind([("status.conditions", Merge, "type")]),
            [("", "PersistentVolumeClaim")] = Kind([("status.conditions", Merge, "type")]),
            [("", "PersistentVolume")] = Kind(),
            [("", "ServiceAccount")] = Kind([("secrets", Merge, "name")]),
            [("", "ConfigMap")] = Kind(),
            [("", "Secret")] = Kind(),
            [("", "Endpoints")] = Kind(),
            [("", "Event")] = Kind(),
            [("coordination.k8s.io", "Lease")] = Kind(),
            [("discovery.k8s.io", "EndpointSlice")] = Kind(),
            [("storage.k8s.io", "VolumeAttachment")] = Kind(),
            [("storage.k8s.io", "CSINode")] = Kind([("spec.drivers", Merge, "name")]),
            [("node.k8s.io", "RuntimeClass")] = Kind(),
            // rules, subjects and roleRef carry no patch tags: strategic merge replaces them whole.
            [("rbac.authorization.k8s.io", "Role")] = Kind(),
            [("rbac.authorization.k8s.io", "ClusterRole")] = Kind(),
            [("rbac.authorization.k8s.io", "RoleBinding")] = Kind(),
            [("rbac.authorization.k8s.io", "ClusterRoleBinding")] = Kind(),
        }.ToFrozenDictionary();

    /// <summary>
    /// False for kinds without Go types behind them (custom resources): the API server refuses strategic merge
    /// patches for those with 415 and so should the caller.
    /// </summary>
    public static bool Supports(string group, string kind) => Kinds.ContainsKey((group, kind));

    /// <summary>The patch metadata of a built-in kind, or null when <see cref="Supports"/> is false.</summary>
    public static PatchSchema? Find(string group, string kind) => Kinds.GetValueOrDefault((group, kind));

    private static PatchSchema Kind(params (string, PatchStrategy, string?)[][] parts) =>
        PatchSchema.FromTable([.. ObjectMeta, .. parts.SelectMany(p => p)]);

    private static (string, PatchStrategy, string?)[] Under(string prefix, (string Path, PatchStrategy Strategy, string? MergeKey)[] rows) =>
        [.. rows.Select(r => (prefix + "." + r.Path, r.Strategy, r.MergeKey))];
}
