using MetaServer.Domain.Kubernetes;

namespace MetaServer.Domain.Authorization;

/// <summary>What an authorizer decides on: who, which verb, and which resource or path (the apiserver's authorizer.Attributes).</summary>
public sealed record AccessRequest(
    UserInfo User,
    string Verb,
    bool IsResourceRequest,
    string Path = "",
    string Group = "",
    string Resource = "",
    string Subresource = "",
    string Namespace = "",
    string Name = "")
{
    /// <summary>The attributes of a parsed request.</summary>
    public static AccessRequest From(UserInfo user, RequestInfo info) =>
        new(user, info.Verb, info.IsResourceRequest, info.Path, info.ApiGroup, info.Resource, info.Subresource, info.Namespace, info.Name);

    /// <summary>"pods" or "pods/status": what a rule's resources are compared with.</summary>
    public string ResourceWithSubresource => Subresource.Length == 0 ? Resource : Resource + "/" + Subresource;
}
