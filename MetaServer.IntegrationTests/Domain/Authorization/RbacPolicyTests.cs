using System.Text.Json.Nodes;
using MetaServer.Domain.Authorization;

namespace MetaServer.IntegrationTests.Domain.Authorization;

/// <summary>Roles and bindings resolved into one policy: who is granted what, and where.</summary>
public sealed class RbacPolicyTests
{
    private static readonly UserInfo Node = UserInfo.FromCertificate("system:node:edge-1", ["system:nodes"]);
    private static readonly UserInfo Jane = UserInfo.FromCertificate("jane", []);
    private static readonly UserInfo Reader = UserInfo.ServiceAccount("apps", "reader");

    private static RbacObject Obj(string kind, string json) => new(kind, JsonNode.Parse(json)!.AsObject());

    private static readonly RbacPolicy Policy = RbacPolicy.Build(
    [
        Obj(RbacObject.ClusterRole, """{"metadata":{"name":"view-config"},"rules":[{"apiGroups":[""],"resources":["configmaps"],"verbs":["get","list"]}]}"""),
        Obj(RbacObject.Role, """{"metadata":{"name":"lease-writer","namespace":"kube-node-lease"},"rules":[{"apiGroups":["coordination.k8s.io"],"resources":["leases"],"verbs":["*"]}]}"""),
        Obj(RbacObject.Role, """{"metadata":{"name":"lease-writer","namespace":"default"},"rules":[{"apiGroups":["*"],"resources":["*"],"verbs":["*"]}]}"""),
        Obj(RbacObject.ClusterRole, """{"metadata":{"name":"metrics"},"rules":[{"nonResourceURLs":["/metrics"],"verbs":["get"]}]}"""),
        // Namespaced grants: a ClusterRole and a Role bound in one namespace.
        Obj(RbacObject.RoleBinding, """{"metadata":{"name":"nodes-view","namespace":"default"},"roleRef":{"kind":"ClusterRole","name":"view-config"},"subjects":[{"kind":"Group","name":"system:nodes"}]}"""),
        Obj(RbacObject.RoleBinding, """{"metadata":{"name":"leases","namespace":"kube-node-lease"},"roleRef":{"kind":"Role","name":"lease-writer"},"subjects":[{"kind":"User","name":"system:node:edge-1"}]}"""),
        // Service accounts: namespace from the subject, or else the binding's.
        Obj(RbacObject.RoleBinding, """{"metadata":{"name":"sa","namespace":"apps"},"roleRef":{"kind":"ClusterRole","name":"view-config"},"subjects":[{"kind":"ServiceAccount","name":"reader"}]}"""),
        // Cluster-wide, and a ClusterRoleBinding that refers to a Role grants nothing.
        Obj(RbacObject.ClusterRoleBinding, """{"metadata":{"name":"jane-metrics"},"roleRef":{"kind":"ClusterRole","name":"metrics"},"subjects":[{"kind":"User","name":"jane"}]}"""),
        Obj(RbacObject.ClusterRoleBinding, """{"metadata":{"name":"bogus"},"roleRef":{"kind":"Role","name":"lease-writer"},"subjects":[{"kind":"User","name":"jane"}]}"""),
        // A binding to a role that does not exist grants nothing either.
        Obj(RbacObject.ClusterRoleBinding, """{"metadata":{"name":"dangling"},"roleRef":{"kind":"ClusterRole","name":"missing"},"subjects":[{"kind":"Group","name":"system:authenticated"}]}"""),
    ]);

    public static TheoryData<string, string, string, string, string, string, bool> Cases => new()
    {
        // who, verb, group, resource, namespace, name, allowed
        { "node", "get", "", "configmaps", "default", "cfg", true },
        { "node", "list", "", "configmaps", "default", "", true },
        { "node", "delete", "", "configmaps", "default", "cfg", false },
        { "node", "get", "", "configmaps", "kube-system", "cfg", false },
        { "node", "list", "", "configmaps", "", "", false },
        { "node", "update", "coordination.k8s.io", "leases", "kube-node-lease", "edge-1", true },
        { "node", "update", "coordination.k8s.io", "leases", "default", "edge-1", false },
        { "reader", "get", "", "configmaps", "apps", "cfg", true },
        { "reader", "get", "", "configmaps", "default", "cfg", false },
        { "jane", "get", "", "configmaps", "default", "cfg", false },
        { "jane", "update", "coordination.k8s.io", "leases", "kube-node-lease", "x", false },
        { "jane", "create", "authorization.k8s.io", "selfsubjectaccessreviews", "", "", true },
        { "jane", "create", "authentication.k8s.io", "selfsubjectreviews", "", "", true },
        { "admin", "delete", "", "namespaces", "team", "team", true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Resource_requests_are_decided_by_the_bindings_that_reach_them(string who, string verb, string group, string resource, string ns, string name, bool allowed)
    {
        var user = who switch
        {
            "node" => Node,
            "reader" => Reader,
            "jane" => Jane,
            _ => UserInfo.FromCertificate("admin", [UserInfo.Masters]),
        };
        Assert.Equal(allowed, Policy.Authorize(new AccessRequest(user, verb, true, "", group, resource, "", ns, name)).Allowed);
    }

    [Theory]
    [InlineData("/version", true)]
    [InlineData("/api", true)]
    [InlineData("/apis/coordination.k8s.io/v1", true)]
    [InlineData("/openapi/v2", true)]
    [InlineData("/readyz", true)]
    [InlineData("/metrics", false)]
    [InlineData("/debug/pprof", false)]
    public void Every_authenticated_identity_reads_discovery_and_health(string path, bool allowed)
    {
        Assert.Equal(allowed, Policy.Authorize(new AccessRequest(Node, "get", false, path)).Allowed);
        Assert.False(Policy.Authorize(new AccessRequest(Node, "post", false, path)).Allowed);
    }

    [Fact]
    public void A_ClusterRoleBinding_grants_non_resource_paths()
    {
        Assert.True(Policy.Authorize(new AccessRequest(Jane, "get", false, "/metrics")).Allowed);
    }

    [Fact]
    public void The_reason_names_the_binding_that_allowed()
    {
        var decision = Policy.Authorize(new AccessRequest(Node, "get", true, "", "", "configmaps", "", "default", "cfg"));
        Assert.Equal("RBAC: allowed by RoleBinding \"nodes-view\" in namespace \"default\" of ClusterRole \"view-config\" to Group \"system:nodes\"", decision.Reason);
    }

    [Fact]
    public void Without_stored_objects_only_masters_and_the_built_in_rules_allow()
    {
        var empty = RbacPolicy.Empty;
        Assert.False(empty.Authorize(new AccessRequest(Node, "get", true, "", "", "pods", "", "default", "web")).Allowed);
        Assert.True(empty.Authorize(new AccessRequest(Node, "get", false, "/version")).Allowed);
        Assert.True(empty.Authorize(new AccessRequest(UserInfo.Unsecured, "delete", true, "", "", "pods", "", "default", "web")).Allowed);
    }
}
