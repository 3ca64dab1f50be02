using MetaServer.Domain.Kubernetes;

namespace MetaServer.IntegrationTests.Domain;

public sealed class RequestInfoParserTests
{
    // method, path, watch query | verb, group, version, namespace, resource, name, subresource
    [Theory]
    [InlineData("GET", "/api/v1/namespaces/default/pods", null, "list", "", "v1", "default", "pods", "", "")]
    [InlineData("GET", "/api/v1/namespaces/default/pods/nginx", null, "get", "", "v1", "default", "pods", "nginx", "")]
    [InlineData("GET", "/api/v1/pods", null, "list", "", "v1", "", "pods", "", "")]
    [InlineData("GET", "/api/v1/pods", "true", "watch", "", "v1", "", "pods", "", "")]
    [InlineData("GET", "/api/v1/pods", "1", "watch", "", "v1", "", "pods", "", "")]
    [InlineData("GET", "/api/v1/pods", "false", "list", "", "v1", "", "pods", "", "")]
    [InlineData("GET", "/api/v1/watch/namespaces/default/pods", null, "watch", "", "v1", "default", "pods", "", "")]
    [InlineData("GET", "/api/v1/watch/namespaces/default/pods/nginx", null, "watch", "", "v1", "default", "pods", "nginx", "")]
    [InlineData("POST", "/api/v1/namespaces/default/pods", null, "create", "", "v1", "default", "pods", "", "")]
    [InlineData("PUT", "/api/v1/namespaces/default/pods/nginx", null, "update", "", "v1", "default", "pods", "nginx", "")]
    [InlineData("PUT", "/api/v1/namespaces/default/pods/nginx/status", null, "update", "", "v1", "default", "pods", "nginx", "status")]
    [InlineData("PATCH", "/api/v1/namespaces/default/pods/nginx", null, "patch", "", "v1", "default", "pods", "nginx", "")]
    [InlineData("DELETE", "/api/v1/namespaces/default/pods/nginx", null, "delete", "", "v1", "default", "pods", "nginx", "")]
    [InlineData("DELETE", "/api/v1/namespaces/default/pods", null, "deletecollection", "", "v1", "default", "pods", "", "")]
    [InlineData("HEAD", "/api/v1/namespaces/default/pods/nginx", null, "get", "", "v1", "default", "pods", "nginx", "")]
    [InlineData("GET", "/api/v1/nodes/edge-1", null, "get", "", "v1", "", "nodes", "edge-1", "")]
    [InlineData("PATCH", "/api/v1/nodes/edge-1/status", null, "patch", "", "v1", "", "nodes", "edge-1", "status")]
    [InlineData("GET", "/api/v1/namespaces", null, "list", "", "v1", "", "namespaces", "", "")]
    [InlineData("GET", "/api/v1/namespaces/kube-system", null, "get", "", "v1", "kube-system", "namespaces", "kube-system", "")]
    [InlineData("PUT", "/api/v1/namespaces/kube-system/status", null, "update", "", "v1", "kube-system", "namespaces", "kube-system", "status")]
    [InlineData("PUT", "/api/v1/namespaces/kube-system/finalize", null, "update", "", "v1", "kube-system", "namespaces", "kube-system", "finalize")]
    [InlineData("GET", "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/edge-1", null, "get", "coordination.k8s.io", "v1", "kube-node-lease", "leases", "edge-1", "")]
    [InlineData("GET", "/apis/storage.k8s.io/v1/csinodes", null, "list", "storage.k8s.io", "v1", "", "csinodes", "", "")]
    [InlineData("GET", "/apis/discovery.k8s.io/v1/endpointslices", "true", "watch", "discovery.k8s.io", "v1", "", "endpointslices", "", "")]
    [InlineData("OPTIONS", "/api/v1/namespaces/default/pods", null, "", "", "v1", "default", "pods", "", "")]
    public void Resource_paths_resolve_like_the_apiserver(string method, string path, string? watch, string verb, string group,
        string version, string ns, string resource, string name, string subresource)
    {
        var info = RequestInfoParser.Parse(method, path, watch);

        Assert.True(info.IsResourceRequest);
        Assert.Equal(verb, info.Verb);
        Assert.Equal(group, info.ApiGroup);
        Assert.Equal(version, info.ApiVersion);
        Assert.Equal(ns, info.Namespace);
        Assert.Equal(resource, info.Resource);
        Assert.Equal(name, info.Name);
        Assert.Equal(subresource, info.Subresource);
    }

    [Theory]
    [InlineData("GET", "/api")]
    [InlineData("GET", "/api/v1")]
    [InlineData("GET", "/apis")]
    [InlineData("GET", "/apis/coordination.k8s.io")]
    [InlineData("GET", "/apis/coordination.k8s.io/v1")]
    [InlineData("GET", "/version")]
    [InlineData("GET", "/healthz")]
    [InlineData("GET", "/openapi/v2")]
    [InlineData("POST", "/something/else/entirely")]
    public void Discovery_and_other_paths_are_not_resource_requests(string method, string path)
    {
        var info = RequestInfoParser.Parse(method, path);

        Assert.False(info.IsResourceRequest);
        Assert.Equal(method.ToLowerInvariant(), info.Verb);
    }

    [Fact]
    public void Resource_keys_sort_by_namespace_then_name()
    {
        var pods = ResourceCatalog.BuiltIn.Find("", "v1", "pods")!;
        var keys = new[] { pods.KeyOf("ab", "x"), pods.KeyOf("a", "z"), pods.KeyOf("a", "b") };

        Array.Sort(keys, StringComparer.Ordinal);

        Assert.Equal(["/core/v1/pods/a/b", "/core/v1/pods/a/z", "/core/v1/pods/ab/x"], keys);
    }

    [Theory]
    [InlineData("", "v1", "pods", "/core/v1/pods/default/nginx", "default", "nginx")]
    [InlineData("", "v1", "nodes", "/core/v1/nodes//edge-1", "", "edge-1")]
    [InlineData("coordination.k8s.io", "v1", "leases", "/coordination.k8s.io/v1/leases/kube-node-lease/edge-1", "kube-node-lease", "edge-1")]
    public void A_key_splits_back_into_namespace_and_name(string group, string version, string resource, string key, string ns, string name)
    {
        var type = ResourceCatalog.BuiltIn.Find(group, version, resource)!;

        Assert.Equal(key, type.KeyOf(ns, name));
        Assert.Equal((ns, name), type.SplitKey(key));
    }

    [Fact]
    public void Every_built_in_kind_has_its_real_scope()
    {
        var catalog = ResourceCatalog.BuiltIn;
        string[] clusterScoped = ["nodes", "namespaces", "persistentvolumes", "volumeattachments", "csinodes", "runtimeclasses", "clusterroles", "clusterrolebindings", "customresourcedefinitions"];

        foreach (var type in catalog.All)
        {
            Assert.Equal(!clusterScoped.Contains(type.Resource), type.Namespaced);
        }

        Assert.Equal(21, catalog.All.Count);
    }
}
