using System.Net;
using MetaServer.IntegrationTests.Infrastructure;
using MetaServer.IntegrationTests.Kubernetes;

namespace MetaServer.IntegrationTests.Security;

/// <summary>What each identity may do over HTTPS, decided by the stored Roles, ClusterRoles and their bindings.</summary>
public sealed class RbacTests : IAsyncLifetime
{
    private const string Rbac = "/apis/rbac.authorization.k8s.io/v1";
    private readonly SecureServer _secure = new();
    private HttpClient _admin = null!;
    private HttpClient _node = null!;

    public async Task InitializeAsync()
    {
        _admin = _secure.ClientFor("admin", "system:masters");
        _node = _secure.ClientFor("system:node:edge-1", "system:nodes");
        Assert.Equal(HttpStatusCode.Created, (await _admin.PostJsonAsync("/api/v1/namespaces/default/configmaps",
            """{"metadata":{"name":"cfg"},"data":{"k":"v"}}""")).Code);
        Assert.Equal(HttpStatusCode.Created, (await _admin.PostJsonAsync("/api/v1/namespaces/kube-system/configmaps",
            """{"metadata":{"name":"cfg"},"data":{"k":"v"}}""")).Code);
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        _node.Dispose();
        await _secure.DisposeAsync();
    }

    private async Task GrantAsync(string bindingJson, string path = Rbac + "/namespaces/default/rolebindings")
    {
        var (code, body) = await _admin.PostJsonAsync(Rbac + "/clusterroles",
            """{"metadata":{"name":"configmap-reader"},"rules":[{"apiGroups":[""],"resources":["configmaps"],"verbs":["get","list","watch"]}]}""");
        Assert.True(code is HttpStatusCode.Created or HttpStatusCode.Conflict, body.ToJsonString());
        (code, body) = await _admin.PostJsonAsync(path, bindingJson);
        Assert.True(code == HttpStatusCode.Created, body.ToJsonString());
    }

    [Fact]
    public async Task Admin_in_system_masters_may_do_everything()
    {
        Assert.Equal(HttpStatusCode.Created, (await _admin.PostJsonAsync("/api/v1/namespaces", """{"metadata":{"name":"team"}}""")).Code);
        Assert.Equal(HttpStatusCode.OK, (await _admin.GetJsonAsync("/api/v1/nodes")).Code);
        Assert.Equal(HttpStatusCode.OK, (await _admin.GetJsonAsync(Rbac + "/clusterrolebindings")).Code);
        Assert.Equal(HttpStatusCode.OK, (await _admin.DeleteJsonAsync("/api/v1/namespaces/kube-system/configmaps/cfg")).Code);
        Assert.Equal(HttpStatusCode.OK, (await _admin.GetJsonAsync("/version")).Code);
    }

    [Fact]
    public async Task Without_a_binding_a_node_reads_discovery_but_no_objects()
    {
        Assert.Equal(HttpStatusCode.OK, (await _node.GetJsonAsync("/version")).Code);
        Assert.Equal(HttpStatusCode.OK, (await _node.GetJsonAsync("/api")).Code);
        Assert.Equal(HttpStatusCode.OK, (await _node.GetJsonAsync("/apis/rbac.authorization.k8s.io/v1")).Code);

        var (code, status) = await _node.GetJsonAsync("/api/v1/namespaces/default/configmaps");
        CrudTests.AssertStatus(status, code, HttpStatusCode.Forbidden, "Forbidden");
        Assert.Equal("configmaps is forbidden: User \"system:node:edge-1\" cannot list resource \"configmaps\" in API group \"\" in the namespace \"default\"",
            status["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task RoleBinding_grants_get_and_list_in_its_namespace_only_and_delete_is_403_with_the_apiservers_message()
    {
        await GrantAsync("""
            {"metadata":{"name":"node-reads-config"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"configmap-reader"},
             "subjects":[{"kind":"User","apiGroup":"rbac.authorization.k8s.io","name":"system:node:edge-1"}]}
            """);

        var (getCode, configMap) = await _node.GetJsonAsync("/api/v1/namespaces/default/configmaps/cfg");
        Assert.Equal(HttpStatusCode.OK, getCode);
        Assert.Equal("v", configMap["data"]!["k"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await _node.GetJsonAsync("/api/v1/namespaces/default/configmaps")).Code);

        var (deleteCode, denied) = await _node.DeleteJsonAsync("/api/v1/namespaces/default/configmaps/cfg");
        CrudTests.AssertStatus(denied, deleteCode, HttpStatusCode.Forbidden, "Forbidden");
        Assert.Equal("configmaps \"cfg\" is forbidden: User \"system:node:edge-1\" cannot delete resource \"configmaps\" in API group \"\" in the namespace \"default\"",
            denied["message"]!.GetValue<string>());
        Assert.Equal("cfg", denied["details"]!["name"]!.GetValue<string>());
        Assert.Equal("configmaps", denied["details"]!["kind"]!.GetValue<string>());

        var (otherCode, other) = await _node.GetJsonAsync("/api/v1/namespaces/kube-system/configmaps/cfg");
        Assert.Equal(HttpStatusCode.Forbidden, otherCode);
        Assert.Contains("in the namespace \"kube-system\"", other["message"]!.GetValue<string>());

        // All namespaces is cluster scope, which a RoleBinding does not reach.
        var (allCode, all) = await _node.GetJsonAsync("/api/v1/configmaps");
        Assert.Equal(HttpStatusCode.Forbidden, allCode);
        Assert.Equal("""configmaps is forbidden: User "system:node:edge-1" cannot list resource "configmaps" in API group "" at the cluster scope""",
            all["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task ClusterRoleBinding_to_a_group_grants_everywhere_and_deleting_it_takes_it_away()
    {
        await GrantAsync("""
            {"metadata":{"name":"nodes-read-config"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"configmap-reader"},
             "subjects":[{"kind":"Group","apiGroup":"rbac.authorization.k8s.io","name":"system:nodes"}]}
            """, Rbac + "/clusterrolebindings");

        Assert.Equal(HttpStatusCode.OK, (await _node.GetJsonAsync("/api/v1/namespaces/kube-system/configmaps/cfg")).Code);
        Assert.Equal(HttpStatusCode.OK, (await _node.GetJsonAsync("/api/v1/configmaps")).Code);
        Assert.Equal(HttpStatusCode.Forbidden, (await _node.GetJsonAsync("/api/v1/namespaces/default/secrets")).Code);

        Assert.Equal(HttpStatusCode.OK, (await _admin.DeleteJsonAsync(Rbac + "/clusterrolebindings/nodes-read-config")).Code);
        Assert.Equal(HttpStatusCode.Forbidden, (await _node.GetJsonAsync("/api/v1/namespaces/kube-system/configmaps/cfg")).Code);
    }

    [Fact]
    public async Task Role_with_resourceNames_and_a_subresource_grants_exactly_that()
    {
        Assert.Equal(HttpStatusCode.Created, (await _admin.PostJsonAsync("/api/v1/namespaces/default/pods", KubeHttp.Pod("web"))).Code);
        Assert.Equal(HttpStatusCode.Created, (await _admin.PostJsonAsync("/api/v1/namespaces/default/pods", KubeHttp.Pod("db"))).Code);
        Assert.Equal(HttpStatusCode.Created, (await _admin.PostJsonAsync(Rbac + "/namespaces/default/roles", """
            {"metadata":{"name":"web-status"},"rules":[
              {"apiGroups":[""],"resources":["pods/status"],"resourceNames":["web"],"verbs":["get","patch"]},
              {"apiGroups":[""],"resources":["pods"],"resourceNames":["web"],"verbs":["get"]}]}
            """)).Code);
        Assert.Equal(HttpStatusCode.Created, (await _admin.PostJsonAsync(Rbac + "/namespaces/default/rolebindings", """
            {"metadata":{"name":"web-status"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"web-status"},
             "subjects":[{"kind":"Group","apiGroup":"rbac.authorization.k8s.io","name":"system:nodes"}]}
            """)).Code);

        Assert.Equal(HttpStatusCode.OK, (await _node.GetJsonAsync("/api/v1/namespaces/default/pods/web")).Code);
        Assert.Equal(HttpStatusCode.OK, (await _node.GetJsonAsync("/api/v1/namespaces/default/pods/web/status")).Code);
        Assert.Equal(HttpStatusCode.OK, (await _node.PatchJsonAsync("/api/v1/namespaces/default/pods/web/status",
            """{"status":{"phase":"Running"}}""", "application/merge-patch+json")).Code);

        var (code, status) = await _node.PatchJsonAsync("/api/v1/namespaces/default/pods/db/status", """{"status":{"phase":"Running"}}""", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.Forbidden, code);
        Assert.Equal("pods \"db\" is forbidden: User \"system:node:edge-1\" cannot patch resource \"pods/status\" in API group \"\" in the namespace \"default\"",
            status["message"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, (await _node.GetJsonAsync("/api/v1/namespaces/default/pods")).Code);
        Assert.Equal(HttpStatusCode.Forbidden, (await _node.PatchJsonAsync("/api/v1/namespaces/default/pods/web",
            """{"metadata":{"labels":{"x":"y"}}}""", "application/merge-patch+json")).Code);
    }

    [Fact]
    public async Task Service_account_token_is_allowed_what_its_role_binding_grants()
    {
        await GrantAsync("""
            {"metadata":{"name":"reader-reads-config"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"configmap-reader"},
             "subjects":[{"kind":"ServiceAccount","name":"reader"}]}
            """);
        using var reader = _secure.TokenClient(TestTokens.ServiceAccount(_secure.TokenKey, "default", "reader"));
        Assert.Equal(HttpStatusCode.OK, (await reader.GetJsonAsync("/api/v1/namespaces/default/configmaps/cfg")).Code);

        var (code, status) = await reader.DeleteJsonAsync("/api/v1/namespaces/default/configmaps/cfg");
        Assert.Equal(HttpStatusCode.Forbidden, code);
        Assert.Equal("configmaps \"cfg\" is forbidden: User \"system:serviceaccount:default:reader\" cannot delete resource \"configmaps\" in API group \"\" in the namespace \"default\"",
            status["message"]!.GetValue<string>());

        // Same name, other namespace: another account, no binding.
        using var stranger = _secure.TokenClient(TestTokens.ServiceAccount(_secure.TokenKey, "kube-system", "reader"));
        Assert.Equal(HttpStatusCode.Forbidden, (await stranger.GetJsonAsync("/api/v1/namespaces/default/configmaps/cfg")).Code);
    }

    [Fact]
    public async Task SelfSubjectAccessReview_answers_for_the_caller()
    {
        await GrantAsync("""
            {"metadata":{"name":"node-reads-config"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"configmap-reader"},
             "subjects":[{"kind":"User","apiGroup":"rbac.authorization.k8s.io","name":"system:node:edge-1"}]}
            """);
        const string Path = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";
        var (code, allowed) = await _node.PostJsonAsync(Path,
            """{"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview","spec":{"resourceAttributes":{"namespace":"default","verb":"list","resource":"configmaps"}}}""");
        Assert.Equal(HttpStatusCode.Created, code);
        Assert.True(allowed["status"]!["allowed"]!.GetValue<bool>());
        Assert.Contains("RoleBinding \"node-reads-config\"", allowed["status"]!["reason"]!.GetValue<string>());

        var (_, denied) = await _node.PostJsonAsync(Path,
            """{"spec":{"resourceAttributes":{"namespace":"default","verb":"delete","resource":"configmaps"}}}""");
        Assert.False(denied["status"]!["allowed"]!.GetValue<bool>());

        var (_, path) = await _node.PostJsonAsync(Path, """{"spec":{"nonResourceAttributes":{"path":"/healthz","verb":"get"}}}""");
        Assert.True(path["status"]!["allowed"]!.GetValue<bool>());
    }
}
