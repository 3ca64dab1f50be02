namespace MetaServer.Domain.Kubernetes;

/// <summary>One servable resource: where it lives in the API, what it is called and how it is scoped.</summary>
public sealed record ResourceType(
    string Group,
    string Version,
    string Resource,
    string Kind,
    bool Namespaced,
    string SingularName,
    IReadOnlyList<string> ShortNames,
    IReadOnlyList<string> Subresources)
{
    /// <summary>The object's apiVersion: "v1" for the core group, "group/version" otherwise.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : Group + "/" + Version;

    public string ListKind => Kind + "List";

    /// <summary>"core/v1/pods" or "coordination.k8s.io/v1/leases": the stored group/version/resource.</summary>
    public string Gvr => (Group.Length == 0 ? "core" : Group) + "/" + Version + "/" + Resource;

    public bool HasSubresource(string subresource) => Subresources.Contains(subresource, StringComparer.Ordinal);

    /// <summary>The storage key of one object: "/core/v1/pods/default/nginx"; cluster-scoped objects have an empty namespace segment.</summary>
    public string KeyOf(string? @namespace, string name) => "/" + Gvr + "/" + (@namespace ?? "") + "/" + name;

    /// <summary>The namespace and name a key of this type stands for ("" as namespace for cluster-scoped objects).</summary>
    public (string Namespace, string Name) SplitKey(string key)
    {
        var rest = key.AsSpan(Gvr.Length + 2); // past "/{gvr}/"
        var slash = rest.IndexOf('/');
        return (rest[..slash].ToString(), rest[(slash + 1)..].ToString());
    }

    /// <summary>The key prefix of every object of this type, or of one namespace's objects.</summary>
    public string KeyPrefix(string? @namespace) =>
        @namespace is null ? "/" + Gvr + "/" : "/" + Gvr + "/" + @namespace + "/";
}
