namespace MetaServer.Domain.Messages;

/// <summary>The resource types in a <see cref="ResourceString"/>, spelled as KubeEdge spells them.</summary>
public static class ResourceTypes
{
    public const string Pod = "pod";
    public const string PodList = "podlist";
    public const string PodStatus = "podstatus";
    /// <summary>A patch to a pod the node agent sent; stored beside the pod and removed with it.</summary>
    public const string PodPatch = "podpatch";
    public const string ConfigMap = "configmap";
    public const string Secret = "secret";
    public const string Service = "service";
    public const string Endpoints = "endpoints";
    public const string Node = "node";
    public const string NodeStatus = "nodestatus";
    public const string NodePatch = "nodepatch";
    public const string Lease = "lease";
    public const string PersistentVolume = "persistentvolume";
    public const string PersistentVolumeClaim = "persistentvolumeclaim";
    public const string VolumeAttachment = "volumeattachment";
    public const string ServiceAccountToken = "serviceaccounttoken";
    public const string ServiceAccountAccess = "serviceaccountaccess";
    public const string Rule = "rule";
    public const string RuleEndpoint = "ruleendpoint";
    public const string RuleStatus = "rulestatus";
    /// <summary>The resource of the CSI volume operations.</summary>
    public const string Volume = "volume";
}
