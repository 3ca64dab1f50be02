using MetaServer.Domain.Authorization;

namespace MetaServer.IntegrationTests.Domain.Authorization;

/// <summary>The 403 wording of the API server (responsewriters.forbiddenMessage wrapped by apierrors.NewForbidden).</summary>
public sealed class DenialsTests
{
    private static readonly UserInfo Jane = new("jane", [UserInfo.Authenticated]);

    [Theory]
    [InlineData("list", "", "pods", "", "default", "", "pods is forbidden: User \"jane\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\"")]
    [InlineData("delete", "", "configmaps", "", "default", "cfg", "configmaps \"cfg\" is forbidden: User \"jane\" cannot delete resource \"configmaps\" in API group \"\" in the namespace \"default\"")]
    [InlineData("get", "", "nodes", "", "", "edge-1", "nodes \"edge-1\" is forbidden: User \"jane\" cannot get resource \"nodes\" in API group \"\" at the cluster scope")]
    [InlineData("update", "coordination.k8s.io", "leases", "", "kube-node-lease", "edge-1", "leases.coordination.k8s.io \"edge-1\" is forbidden: User \"jane\" cannot update resource \"leases\" in API group \"coordination.k8s.io\" in the namespace \"kube-node-lease\"")]
    [InlineData("patch", "", "pods", "status", "default", "web", "pods \"web\" is forbidden: User \"jane\" cannot patch resource \"pods/status\" in API group \"\" in the namespace \"default\"")]
    public void Resource_denials_name_user_verb_resource_group_and_scope(string verb, string group, string resource, string subresource, string ns, string name, string expected)
    {
        var status = Denials.Forbidden(new AccessRequest(Jane, verb, true, "", group, resource, subresource, ns, name));
        Assert.Equal((403, "Forbidden", expected), (status.Code, status.Reason, status.Message));
        Assert.Equal(resource, status.DetailsKind);
    }

    [Fact]
    public void Path_denials_name_the_path()
    {
        var status = Denials.Forbidden(new AccessRequest(Jane, "get", false, "/metrics"));
        Assert.Equal("forbidden: User \"jane\" cannot get path \"/metrics\"", status.Message);
        Assert.Null(status.DetailsKind);
    }
}
