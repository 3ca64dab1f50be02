using System.Runtime.CompilerServices;
using MetaServer.Domain.Kubernetes;
using MetaServer.Domain.Messages;

namespace MetaServer.Api.MetaManager;

/// <summary>
/// Where a message's resource is kept. A resource type that names a served kind (KubeEdge spells types as the
/// kind's singular name: <c>pod</c>, <c>configmap</c>, <c>endpoints</c>, <c>lease</c>, a custom resource's singular)
/// is a Kubernetes object, stored once in <c>meta_v2</c> under its API key, so the API and its watchers see it;
/// every other type (<c>podstatus</c>, <c>podpatch</c>, <c>nodestatus</c>, <c>serviceaccounttoken</c>, ...) is a row of
/// KubeEdge's <c>meta</c> table under the resource string.
/// </summary>
internal static class MessageResources
{
    private static readonly ConditionalWeakTable<ResourceCatalog, Dictionary<string, ResourceType>> BySingular = [];

    /// <summary>The served kind a resource type names, or null for the types kept in the <c>meta</c> table.</summary>
    public static ResourceType? KindOf(ResourceCatalog catalog, string resourceType) =>
        BySingular.GetValue(catalog, Build).GetValueOrDefault(resourceType);

    /// <summary>The <c>meta_v2</c> key of an object named by a resource string (cluster-scoped kinds ignore its namespace).</summary>
    public static string KeyOf(ResourceType type, ResourceString resource) =>
        type.KeyOf(type.Namespaced ? resource.Namespace : "", resource.Name!);

    private static Dictionary<string, ResourceType> Build(ResourceCatalog catalog)
    {
        var map = new Dictionary<string, ResourceType>(StringComparer.Ordinal);
        // Built-in kinds come first in a catalog, so they keep their spelling if a custom resource reuses it.
        foreach (var type in catalog.All)
        {
            map.TryAdd(type.SingularName, type);
        }

        return map;
    }
}
