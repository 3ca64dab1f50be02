using System.Text.Json.Nodes;
using MetaServer.Domain.Authorization;

namespace MetaServer.IntegrationTests.Domain.Authorization;

/// <summary>Rule matching as the API server's RBAC authorizer does it (rbac/v1 evaluation helpers).</summary>
public sealed class PolicyRuleTests
{
    private static readonly UserInfo Jane = new("jane", [UserInfo.Authenticated]);

    private static PolicyRule Rule(string json) => PolicyRule.ParseAll(JsonNode.Parse("[" + json + "]")).Single();

    [Theory]
    // verbs, groups, resources
    [InlineData("""{"verbs":["get"],"apiGroups":[""],"resources":["pods"]}""", "get", "", "pods", "", "", true)]
    [InlineData("""{"verbs":["get"],"apiGroups":[""],"resources":["pods"]}""", "list", "", "pods", "", "", false)]
    [InlineData("""{"verbs":["*"],"apiGroups":[""],"resources":["pods"]}""", "deletecollection", "", "pods", "", "", true)]
    [InlineData("""{"verbs":["get"],"apiGroups":["apps"],"resources":["pods"]}""", "get", "", "pods", "", "", false)]
    [InlineData("""{"verbs":["get"],"apiGroups":["*"],"resources":["leases"]}""", "get", "coordination.k8s.io", "leases", "", "", true)]
    [InlineData("""{"verbs":["get"],"apiGroups":[""],"resources":["*"]}""", "get", "", "secrets", "", "", true)]
    // subresources: exact, */sub, and a main-resource rule does not grant its subresource
    [InlineData("""{"verbs":["get"],"apiGroups":[""],"resources":["pods/status"]}""", "get", "", "pods", "status", "", true)]
    [InlineData("""{"verbs":["get"],"apiGroups":[""],"resources":["pods"]}""", "get", "", "pods", "status", "", false)]
    [InlineData("""{"verbs":["get"],"apiGroups":[""],"resources":["*/status"]}""", "get", "", "nodes", "status", "", true)]
    [InlineData("""{"verbs":["get"],"apiGroups":[""],"resources":["*/status"]}""", "get", "", "nodes", "", "", false)]
    [InlineData("""{"verbs":["get"],"apiGroups":[""],"resources":["pods/status"]}""", "get", "", "pods", "", "", false)]
    [InlineData("""{"verbs":["get"],"apiGroups":[""],"resources":["*"]}""", "get", "", "pods", "status", "", true)]
    // resourceNames: only requests naming one of them
    [InlineData("""{"verbs":["get","list"],"apiGroups":[""],"resources":["configmaps"],"resourceNames":["cfg"]}""", "get", "", "configmaps", "", "cfg", true)]
    [InlineData("""{"verbs":["get","list"],"apiGroups":[""],"resources":["configmaps"],"resourceNames":["cfg"]}""", "get", "", "configmaps", "", "other", false)]
    [InlineData("""{"verbs":["get","list"],"apiGroups":[""],"resources":["configmaps"],"resourceNames":["cfg"]}""", "list", "", "configmaps", "", "", false)]
    public void Resource_rules_match_like_the_apiserver(string rule, string verb, string group, string resource, string subresource, string name, bool allowed)
    {
        var request = new AccessRequest(Jane, verb, true, "", group, resource, subresource, "default", name);
        Assert.Equal(allowed, Rule(rule).Allows(request));
    }

    [Theory]
    [InlineData("""{"verbs":["get"],"nonResourceURLs":["/healthz"]}""", "get", "/healthz", true)]
    [InlineData("""{"verbs":["get"],"nonResourceURLs":["/healthz"]}""", "get", "/healthz/etcd", false)]
    [InlineData("""{"verbs":["get"],"nonResourceURLs":["/healthz/*"]}""", "get", "/healthz/etcd", true)]
    [InlineData("""{"verbs":["get"],"nonResourceURLs":["*"]}""", "get", "/metrics", true)]
    [InlineData("""{"verbs":["get"],"nonResourceURLs":["/metrics"]}""", "post", "/metrics", false)]
    [InlineData("""{"verbs":["get"],"apiGroups":[""],"resources":["*"]}""", "get", "/metrics", false)]
    public void Non_resource_rules_match_paths_exactly_or_by_star_prefix(string rule, string verb, string path, bool allowed)
    {
        Assert.Equal(allowed, Rule(rule).Allows(new AccessRequest(Jane, verb, false, path)));
    }

    [Fact]
    public void A_non_resource_rule_grants_no_resource()
    {
        var rule = Rule("""{"verbs":["*"],"nonResourceURLs":["*"]}""");
        Assert.False(rule.Allows(new AccessRequest(Jane, "get", true, "", "", "pods", "", "default", "web")));
    }
}
