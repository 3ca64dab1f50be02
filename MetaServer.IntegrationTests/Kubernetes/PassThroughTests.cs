using System.Net;
using MetaServer.IntegrationTests.Infrastructure;

namespace MetaServer.IntegrationTests.Kubernetes;

/// <summary>/version, the health paths and discovery.</summary>
public sealed class PassThroughTests : ServerTest
{
    [Theory]
    [InlineData("/healthz")]
    [InlineData("/livez")]
    [InlineData("/readyz")]
    public async Task Health_paths_answer_ok(string path)
    {
        using var response = await Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Readyz_verbose_names_the_database_check()
    {
        var text = await Client.GetStringAsync("/readyz?verbose");

        Assert.Contains("[+]database ok", text);
    }

    [Fact]
    public async Task Version_reports_a_kubernetes_version()
    {
        var (code, version) = await Client.GetJsonAsync("/version");

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("1", version["major"]!.GetValue<string>());
        Assert.StartsWith("v1.", version["gitVersion"]!.GetValue<string>());
    }

    [Fact]
    public async Task Core_discovery_lists_the_core_resources_with_scope_and_short_names()
    {
        var (_, versions) = await Client.GetJsonAsync("/api");
        Assert.Equal("APIVersions", versions["kind"]!.GetValue<string>());

        var (code, list) = await Client.GetJsonAsync("/api/v1");
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("APIResourceList", list["kind"]!.GetValue<string>());
        var resources = list["resources"]!.AsArray().Select(r => r!.AsObject()).ToDictionary(r => r["name"]!.GetValue<string>());
        Assert.True(resources["pods"]["namespaced"]!.GetValue<bool>());
        Assert.False(resources["nodes"]["namespaced"]!.GetValue<bool>());
        Assert.Equal("po", resources["pods"]["shortNames"]![0]!.GetValue<string>());
        Assert.Contains("pods/status", resources.Keys);
        Assert.Contains("create", resources["configmaps"]["verbs"]!.AsArray().Select(v => v!.GetValue<string>()));
    }

    [Theory]
    [InlineData("v2")]
    [InlineData("v2beta1")]
    public async Task Aggregated_discovery_answers_every_group_in_one_document(string version)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/apis");
        request.Headers.TryAddWithoutValidation("Accept",
            $"application/json;g=apidiscovery.k8s.io;v={version};as=APIGroupDiscoveryList,application/json");
        using var response = await Client.SendAsync(request);
        var list = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal($"apidiscovery.k8s.io/{version}", list["apiVersion"]!.GetValue<string>());
        Assert.Equal("APIGroupDiscoveryList", list["kind"]!.GetValue<string>());
        Assert.Contains($"v={version}", response.Content.Headers.ContentType!.ToString());
        var leases = list["items"]!.AsArray().Single(i => i!["metadata"]!["name"]!.GetValue<string>() == "coordination.k8s.io")!
            ["versions"]![0]!["resources"]![0]!;
        Assert.Equal(("leases", "Namespaced", "Lease"), (leases["resource"]!.GetValue<string>(), leases["scope"]!.GetValue<string>(), leases["responseKind"]!["kind"]!.GetValue<string>()));

        using var core = new HttpRequestMessage(HttpMethod.Get, "/api");
        core.Headers.TryAddWithoutValidation("Accept", $"application/json;g=apidiscovery.k8s.io;v={version};as=APIGroupDiscoveryList");
        using var coreResponse = await Client.SendAsync(core);
        var coreList = System.Text.Json.Nodes.JsonNode.Parse(await coreResponse.Content.ReadAsStringAsync())!;
        var pods = coreList["items"]![0]!["versions"]![0]!["resources"]!.AsArray().Single(r => r!["resource"]!.GetValue<string>() == "pods")!;
        Assert.Equal("status", pods["subresources"]![0]!["subresource"]!.GetValue<string>());
        Assert.Equal("po", pods["shortNames"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Group_discovery_lists_every_group_and_its_resources()
    {
        var (_, groups) = await Client.GetJsonAsync("/apis");
        var names = groups["groups"]!.AsArray().Select(g => g!["name"]!.GetValue<string>()).ToArray();
        Assert.Equal(["coordination.k8s.io", "discovery.k8s.io", "storage.k8s.io", "node.k8s.io", "rbac.authorization.k8s.io", "apiextensions.k8s.io"], names);

        var (code, leases) = await Client.GetJsonAsync("/apis/coordination.k8s.io/v1");
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("coordination.k8s.io/v1", leases["groupVersion"]!.GetValue<string>());
        Assert.Equal("Lease", leases["resources"]![0]!["kind"]!.GetValue<string>());

        var (missing, status) = await Client.GetJsonAsync("/apis/apps/v1");
        CrudTests.AssertStatus(status, missing, HttpStatusCode.NotFound, "NotFound");
    }
}
