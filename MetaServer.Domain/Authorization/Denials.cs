using MetaServer.Domain.Kubernetes;

namespace MetaServer.Domain.Authorization;

/// <summary>The 403 Status of a denied request, worded like the API server's (responsewriters.Forbidden, apierrors.NewForbidden).</summary>
public static class Denials
{
    /// <summary>
    /// 403 for a request the authorizer did not allow, e.g. <c>pods is forbidden: User "jane" cannot list resource
    /// "pods" in API group "" in the namespace "default"</c>.
    /// </summary>
    public static KubeStatus Forbidden(AccessRequest request)
    {
        var user = request.User.Name;
        if (!request.IsResourceRequest)
        {
            return new KubeStatus(403, "Forbidden", $"forbidden: User \"{user}\" cannot {request.Verb} path \"{request.Path}\"");
        }

        var why = request.Namespace.Length > 0
            ? $"User \"{user}\" cannot {request.Verb} resource \"{request.ResourceWithSubresource}\" in API group \"{request.Group}\" in the namespace \"{request.Namespace}\""
            : $"User \"{user}\" cannot {request.Verb} resource \"{request.ResourceWithSubresource}\" in API group \"{request.Group}\" at the cluster scope";
        return KubeStatus.Forbidden(request.Group, request.Resource, request.Name, why);
    }
}
