using System.Net;
using System.Text.Json.Nodes;
using MetaServer.IntegrationTests.Infrastructure;

namespace MetaServer.IntegrationTests.Kubernetes;

/// <summary>Lists: scopes, selectors, paging and the list's resourceVersion.</summary>
public sealed class ListTests : ServerTest
{
    protected override async Task SeedAsync()
    {
        await Client.PostJsonAsync("/api/v1/namespaces", """{"metadata":{"name":"edge"}}""");
        await Client.PostJsonAsync("/api/v1/namespaces/default/pods", KubeHttp.Pod("web-1", labels: """{"app":"web","tier":"front"}"""));
        await Client.PostJsonAsync("/api/v1/namespaces/default/pods", KubeHttp.Pod("web-2", node: "edge-2", labels: """{"app":"web","tier":"back"}"""));
        await Client.PostJsonAsync("/api/v1/namespaces/default/pods", KubeHttp.Pod("db-1", labels: """{"app":"db"}"""));
        await Client.PostJsonAsync("/api/v1/namespaces/edge/pods", KubeHttp.Pod("agent", ns: "edge", labels: """{"role":"agent"}"""));
        await Client.PatchJsonAsync("/api/v1/namespaces/default/pods/db-1/status", """{"status":{"phase":"Running"}}""", "application/merge-patch+json");
    }

    private async Task<string[]> NamesAsync(string path)
    {
        var (code, list) = await Client.GetJsonAsync(path);
        Assert.Equal(HttpStatusCode.OK, code);
        return list["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()).ToArray();
    }

    [Fact]
    public async Task A_namespace_list_holds_only_that_namespace_in_name_order()
    {
        var (_, list) = await Client.GetJsonAsync("/api/v1/namespaces/default/pods");

        Assert.Equal("PodList", list["kind"]!.GetValue<string>());
        Assert.Equal("v1", list["apiVersion"]!.GetValue<string>());
        Assert.Equal(["db-1", "web-1", "web-2"], list["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task An_all_namespaces_list_spans_namespaces()
    {
        Assert.Equal(["db-1", "web-1", "web-2", "agent"], await NamesAsync("/api/v1/pods"));
    }

    [Fact]
    public async Task Cluster_scoped_lists_hold_the_seeded_namespaces()
    {
        var names = await NamesAsync("/api/v1/namespaces");

        Assert.Equal(["default", "edge", "kube-node-lease", "kube-public", "kube-system"], names);
    }

    [Theory]
    [InlineData("app=web", new[] { "web-1", "web-2" })]
    [InlineData("app==web", new[] { "web-1", "web-2" })]
    [InlineData("app!=web", new[] { "db-1", "agent" })]
    [InlineData("app in (web,db)", new[] { "db-1", "web-1", "web-2" })]
    [InlineData("app notin (web)", new[] { "db-1", "agent" })]
    [InlineData("tier", new[] { "web-1", "web-2" })]
    [InlineData("!tier", new[] { "db-1", "agent" })]
    [InlineData("app=web,tier=back", new[] { "web-2" })]
    [InlineData("app=nothing", new string[0])]
    public async Task Label_selectors_filter_the_list(string selector, string[] expected)
    {
        Assert.Equal(expected, await NamesAsync("/api/v1/pods?labelSelector=" + Uri.EscapeDataString(selector)));
    }

    [Theory]
    [InlineData("spec.nodeName=edge-2", new[] { "web-2" })]
    [InlineData("spec.nodeName!=edge-2", new[] { "db-1", "web-1", "agent" })]
    [InlineData("status.phase=Running", new[] { "db-1" })]
    [InlineData("metadata.name=web-1", new[] { "web-1" })]
    [InlineData("metadata.namespace=edge", new[] { "agent" })]
    [InlineData("spec.nodeName=edge-1,metadata.namespace=default", new[] { "db-1", "web-1" })]
    public async Task Field_selectors_filter_the_list(string selector, string[] expected)
    {
        Assert.Equal(expected, await NamesAsync("/api/v1/pods?fieldSelector=" + Uri.EscapeDataString(selector)));
    }

    [Theory]
    [InlineData("labelSelector", "app in (web")]
    [InlineData("labelSelector", "=web")]
    [InlineData("fieldSelector", "spec.unknownField=x")]
    [InlineData("limit", "ten")]
    [InlineData("continue", "not-a-token")]
    [InlineData("resourceVersion", "abc")]
    public async Task Bad_list_parameters_return_400(string parameter, string value)
    {
        var (code, status) = await Client.GetJsonAsync($"/api/v1/pods?{parameter}={Uri.EscapeDataString(value)}");

        CrudTests.AssertStatus(status, code, HttpStatusCode.BadRequest, "BadRequest");
    }

    [Fact]
    public async Task Limit_and_continue_page_through_everything_once_at_the_first_pages_resourceVersion()
    {
        var seen = new List<string>();
        string? token = null;
        string? firstRv = null;
        var pages = 0;
        do
        {
            var path = "/api/v1/pods?limit=3" + (token is null ? "" : "&continue=" + Uri.EscapeDataString(token));
            var (code, page) = await Client.GetJsonAsync(path);
            Assert.Equal(HttpStatusCode.OK, code);
            firstRv ??= page.Meta("resourceVersion");
            Assert.Equal(firstRv, page.Meta("resourceVersion"));
            var items = page["items"]!.AsArray();
            Assert.True(items.Count <= 3);
            seen.AddRange(items.Select(i => i!["metadata"]!["name"]!.GetValue<string>()));
            token = page["metadata"]!["continue"]?.GetValue<string>();
            pages++;

            if (pages == 1)
            {
                // A write between pages must not make the next page skip or repeat items.
                await Client.PostJsonAsync("/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"between-pages"}}""");
            }
        }
        while (token is not null);

        Assert.Equal(2, pages);
        Assert.Equal(["db-1", "web-1", "web-2", "agent"], seen);
    }

    [Fact]
    public async Task A_page_exactly_at_the_end_has_no_continue_token()
    {
        var (_, page) = await Client.GetJsonAsync("/api/v1/namespaces/default/pods?limit=3");

        Assert.Equal(3, page["items"]!.AsArray().Count);
        Assert.Null(page["metadata"]!["continue"]);
    }

    [Fact]
    public async Task Limit_applies_after_selectors()
    {
        var (_, page) = await Client.GetJsonAsync("/api/v1/pods?limit=1&labelSelector=app%3Dweb");

        Assert.Equal(["web-1"], page["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()));
        var token = page["metadata"]!["continue"]!.GetValue<string>();
        var (_, next) = await Client.GetJsonAsync("/api/v1/pods?limit=1&labelSelector=app%3Dweb&continue=" + Uri.EscapeDataString(token));
        Assert.Equal(["web-2"], next["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task An_empty_list_is_well_formed()
    {
        var (code, list) = await Client.GetJsonAsync("/apis/storage.k8s.io/v1/csinodes");

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("CSINodeList", list["kind"]!.GetValue<string>());
        Assert.Equal("storage.k8s.io/v1", list["apiVersion"]!.GetValue<string>());
        Assert.Empty(list["items"]!.AsArray());
        Assert.True(long.Parse(list.Meta("resourceVersion")) > 0);
    }

    [Fact]
    public async Task Every_built_in_resource_lists()
    {
        foreach (var type in MetaServer.Domain.Kubernetes.ResourceCatalog.BuiltIn.All)
        {
            var prefix = type.Group.Length == 0 ? "/api/v1" : $"/apis/{type.Group}/{type.Version}";
            var (code, list) = await Client.GetJsonAsync($"{prefix}/{type.Resource}");
            Assert.Equal(HttpStatusCode.OK, code);
            Assert.Equal(type.Kind + "List", list["kind"]!.GetValue<string>());
        }
    }
}
