using System.Text.Json.Nodes;
using MetaServer.IntegrationTests.Infrastructure;

namespace MetaServer.IntegrationTests.EndToEnd;

/// <summary>The everyday kubectl commands, each checked for the output a real API server gives.</summary>
public sealed class KubectlCommandsTests : IAsyncLifetime
{
    private readonly EdgeMetaServer _server = new(kestrel: true);
    private readonly TempFolder _work = new();
    private Kubectl _kubectl = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _kubectl = new Kubectl(_server.Address, _work.Path);
        _http = new HttpClient { BaseAddress = _server.Address };
        await _http.PostJsonAsync("/api/v1/namespaces", """{"metadata":{"name":"edge"}}""");
        await _http.PostJsonAsync("/api/v1/namespaces/default/pods", KubeHttp.Pod("web-1", node: "edge-1", labels: """{"app":"web"}"""));
        await _http.PostJsonAsync("/api/v1/namespaces/default/pods", KubeHttp.Pod("web-2", node: "edge-2", labels: """{"app":"web"}"""));
        await _http.PostJsonAsync("/api/v1/namespaces/edge/pods", KubeHttp.Pod("agent", ns: "edge", node: "edge-1", labels: """{"app":"agent"}"""));
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        _work.Dispose();
    }

    private async Task<string> OkAsync(params string[] args)
    {
        var result = await _kubectl.RunAsync(args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Stdout;
    }

    private static string[][] Rows(string table) =>
        table.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray();

    [Fact]
    public async Task Get_prints_names_wide_columns_selected_rows_and_all_namespaces()
    {
        Assert.Equal("pod/web-1\npod/web-2\n", await OkAsync("get", "pods", "-o", "name"));

        var wide = Rows(await OkAsync("get", "pods", "-o", "wide"));
        Assert.Equal(["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED", "NODE", "READINESS", "GATES"], wide[0]);
        Assert.Equal("edge-2", wide[2][6]);

        Assert.Equal("pod/web-2\n", await OkAsync("get", "pods", "-l", "app=web", "--field-selector", "spec.nodeName=edge-2", "-o", "name"));

        var all = Rows(await OkAsync("get", "pods", "-A"));
        Assert.Equal(["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"], all[0]);
        Assert.Equal([("default", "web-1"), ("default", "web-2"), ("edge", "agent")], all.Skip(1).Select(r => (r[0], r[1])));

        Assert.Equal("pod/web-1\npod/web-2\npod/agent\n", await OkAsync("get", "pods", "-A", "--chunk-size=1", "-o", "name"));
    }

    [Fact]
    public async Task Get_as_yaml_and_jsonpath_reads_the_stored_object()
    {
        var yaml = await OkAsync("get", "pod", "web-1", "-o", "yaml");
        Assert.Contains("kind: Pod", yaml);
        Assert.Contains("nodeName: edge-1", yaml);

        Assert.Equal("nginx:1.27", await OkAsync("get", "pod", "web-1", "-o", "jsonpath={.spec.containers[0].image}"));
    }

    [Fact]
    public async Task Label_annotate_and_the_three_patch_types_change_the_object()
    {
        await OkAsync("label", "pod", "web-1", "tier=front");
        await OkAsync("annotate", "pod", "web-1", "owner=edge-team");
        await OkAsync("patch", "pod", "web-1", "--type=merge", "-p", """{"metadata":{"labels":{"merged":"yes"}}}""");
        await OkAsync("patch", "pod", "web-1", "--type=json", "-p", """[{"op":"add","path":"/metadata/labels/json","value":"yes"}]""");
        await OkAsync("patch", "pod", "web-1", "-p", """{"spec":{"containers":[{"name":"main","image":"nginx:1.28"}]}}""");

        var pod = JsonNode.Parse(await OkAsync("get", "pod", "web-1", "-o", "json"))!;
        var labels = pod["metadata"]!["labels"]!;
        Assert.Equal(("front", "yes", "yes"), (labels["tier"]!.GetValue<string>(), labels["merged"]!.GetValue<string>(), labels["json"]!.GetValue<string>()));
        Assert.Equal("edge-team", pod["metadata"]!["annotations"]!["owner"]!.GetValue<string>());
        Assert.Equal("nginx:1.28", pod["spec"]!["containers"]![0]!["image"]!.GetValue<string>());
        Assert.Equal(80, pod["spec"]!["containers"]![0]!["ports"]![0]!["containerPort"]!.GetValue<int>());
    }

    [Fact]
    public async Task Replace_with_a_stale_resourceVersion_is_a_conflict()
    {
        var stale = await OkAsync("get", "pod", "web-2", "-o", "json");
        await OkAsync("label", "pod", "web-2", "changed=now");
        var path = Path.Combine(_work.Path, "stale.json");
        await File.WriteAllTextAsync(path, stale);

        var replace = await _kubectl.RunAsync("replace", "-f", path);

        Assert.NotEqual(0, replace.ExitCode);
        Assert.Contains("the object has been modified", replace.Stderr);
    }

    [Fact]
    public async Task Describe_shows_the_pod()
    {
        var describe = await OkAsync("describe", "pod", "web-1");

        Assert.Contains("Name:", describe);
        Assert.Contains("web-1", describe);
        Assert.Contains("Node:", describe);
        Assert.Contains("edge-1", describe);
        Assert.Contains("nginx:1.27", describe);
    }

    [Fact]
    public async Task Delete_then_get_is_NotFound_and_delete_by_label_removes_the_rest()
    {
        Assert.Contains("pod \"web-1\" deleted", await OkAsync("delete", "pod", "web-1"));
        var get = await _kubectl.RunAsync("get", "pod", "web-1");
        Assert.Contains("Error from server (NotFound): pods \"web-1\" not found", get.Stderr);

        Assert.Contains("pod \"web-2\" deleted", await OkAsync("delete", "pods", "-l", "app=web"));
        Assert.Contains("No resources found in default namespace.", (await _kubectl.RunAsync("get", "pods")).Stderr);
    }
}
