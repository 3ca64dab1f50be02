using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using MetaServer.IntegrationTests.Infrastructure;

namespace MetaServer.IntegrationTests.Kubernetes;

/// <summary>The Table form kubectl asks for, and strategic merge patches as kubectl apply and edit send them.</summary>
public sealed class TableAndPatchTests : ServerTest
{
    private const string TableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
    protected override async Task SeedAsync()
    {
        await Client.PostJsonAsync("/api/v1/namespaces/default/pods", KubeHttp.Pod("web-1"));
        await Client.PostJsonAsync("/api/v1/namespaces/default/pods", KubeHttp.Pod("web-2"));
    }

    private async Task<(HttpResponseMessage Response, JsonObject Body)> GetAsync(string path, string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Accept", accept);
        var response = await Client.SendAsync(request);
        return (response, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    [Fact]
    public async Task A_list_asked_for_as_a_Table_has_the_apiservers_pod_columns_and_one_row_per_pod()
    {
        var (response, table) = await GetAsync("/api/v1/namespaces/default/pods", TableAccept);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var contentType = response.Content.Headers.ContentType!;
        Assert.Equal("application/json", contentType.MediaType);
        Assert.Equal(["as=Table", "v=v1", "g=meta.k8s.io"], contentType.Parameters.Select(p => $"{p.Name}={p.Value}"));
        Assert.Equal("Table", table["kind"]!.GetValue<string>());
        Assert.Equal("meta.k8s.io/v1", table["apiVersion"]!.GetValue<string>());
        var columns = table["columnDefinitions"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()).ToArray();
        Assert.Equal(["Name", "Ready", "Status", "Restarts", "Age", "IP", "Node", "Nominated Node", "Readiness Gates"], columns);
        var rows = table["rows"]!.AsArray();
        Assert.Equal(2, rows.Count);
        Assert.Equal(["web-1", "0/1", "Pending"], rows[0]!["cells"]!.AsArray().Take(3).Select(c => c!.ToString()));
        Assert.Equal("PartialObjectMetadata", rows[0]!["object"]!["kind"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(table["metadata"]!["resourceVersion"]!.GetValue<string>()));
    }

    [Fact]
    public async Task IncludeObject_Object_puts_the_whole_object_in_each_row_and_a_paged_table_carries_continue()
    {
        var (_, table) = await GetAsync("/api/v1/namespaces/default/pods?includeObject=Object&limit=1", TableAccept);

        var row = Assert.Single(table["rows"]!.AsArray());
        Assert.Equal("Pod", row!["object"]!["kind"]!.GetValue<string>());
        Assert.Equal("nginx:1.27", row["object"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(table["metadata"]!["continue"]?.GetValue<string>()));
    }

    [Fact]
    public async Task A_single_object_asked_for_as_a_Table_is_a_one_row_table()
    {
        var (response, table) = await GetAsync("/api/v1/namespaces/default/pods/web-2", TableAccept);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("web-2", Assert.Single(table["rows"]!.AsArray())!["cells"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Only_a_Table_in_an_unknown_group_is_not_acceptable_and_a_bad_includeObject_is_400()
    {
        var (response, status) = await GetAsync("/api/v1/namespaces/default/pods", "application/json;as=Table;v=v1;g=other.io");
        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
        Assert.Equal("NotAcceptable", status["reason"]!.GetValue<string>());

        var (bad, badStatus) = await GetAsync("/api/v1/namespaces/default/pods?includeObject=Everything", TableAccept);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("BadRequest", badStatus["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_strategic_merge_patch_merges_containers_by_name()
    {
        var (code, patched) = await Client.PatchJsonAsync("/api/v1/namespaces/default/pods/web-1",
            """{"spec":{"containers":[{"name":"sidecar","image":"busybox"},{"name":"main","image":"nginx:1.28"}]},"metadata":{"finalizers":["edge/x"]}}""",
            "application/strategic-merge-patch+json");

        Assert.Equal(HttpStatusCode.OK, code);
        var containers = patched["spec"]!["containers"]!.AsArray().ToDictionary(c => c!["name"]!.GetValue<string>(), c => c!["image"]!.GetValue<string>());
        Assert.Equal("nginx:1.28", containers["main"]);
        Assert.Equal("busybox", containers["sidecar"]);
        Assert.Equal(80, patched["spec"]!["containers"]!.AsArray().First(c => c!["name"]!.GetValue<string>() == "main")!["ports"]![0]!["containerPort"]!.GetValue<int>());

        var (deleteCode, afterDelete) = await Client.PatchJsonAsync("/api/v1/namespaces/default/pods/web-1",
            """{"spec":{"containers":[{"name":"sidecar","$patch":"delete"}]},"metadata":{"$deleteFromPrimitiveList/finalizers":["edge/x"]}}""",
            "application/strategic-merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, deleteCode);
        Assert.Equal(["main"], afterDelete["spec"]!["containers"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
        Assert.DoesNotContain("$patch", afterDelete.ToJsonString());
    }

    [Fact]
    public async Task A_watch_asked_for_as_a_Table_sends_one_row_tables()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/namespaces/default/pods?watch=true");
        request.Headers.TryAddWithoutValidation("Accept", TableAccept);
        using var response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        var first = JsonNode.Parse((await reader.ReadLineAsync())!)!;
        var second = JsonNode.Parse((await reader.ReadLineAsync())!)!;

        Assert.Equal("ADDED", first["type"]!.GetValue<string>());
        Assert.Equal("Table", first["object"]!["kind"]!.GetValue<string>());
        Assert.NotNull(first["object"]!["columnDefinitions"]);
        Assert.Null(second["object"]!["columnDefinitions"]);
        Assert.Equal("web-2", second["object"]!["rows"]![0]!["cells"]![0]!.GetValue<string>());
    }
}
