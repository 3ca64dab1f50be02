using MetaServer.Domain.Kubernetes;

namespace MetaServer.Api.Kubernetes;

/// <summary>Storage keys of built-in objects the server itself looks up.</summary>
internal static class BuiltInKeys
{
    private static readonly ResourceType Namespaces = ResourceCatalog.BuiltIn.Find("", "v1", "namespaces")!;

    public static string Namespace(string name) => Namespaces.KeyOf(null, name);
}
