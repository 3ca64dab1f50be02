using System.Text.Json.Nodes;
using MetaServer.IntegrationTests.Infrastructure;

namespace MetaServer.IntegrationTests.EndToEnd;

/// <summary>The real kubectl against the server on a real Kestrel listener on 127.0.0.1.</summary>
public sealed class KubectlTests() : KubectlTest()
{
    private async Task<string> WriteManifestAsync(string name, string yaml)
    {
        var path = Path.Combine(Work.Path, name);
        await File.WriteAllTextAsync(path, yaml);
        return path;
    }

    [Fact]
    public async Task Create_get_and_delete_a_pod_from_a_manifest()
    {
        var manifest = await WriteManifestAsync("pod.yaml", """
            apiVersion: v1
            kind: Pod
            metadata:
              name: kubectl-pod
              labels:
                app: demo
            spec:
              nodeName: edge-1
              containers:
              - name: main
                image: nginx:1.27
            """);

        var create = await Cli.RunAsync("create", "-f", manifest);
        Assert.True(create.ExitCode == 0, create.ToString());
        Assert.Contains("pod/kubectl-pod created", create.Stdout);

        var get = await Cli.RunAsync("get", "pods", "-o", "json");
        Assert.True(get.ExitCode == 0, get.ToString());
        var list = JsonNode.Parse(get.Stdout)!;
        var pod = Assert.Single(list["items"]!.AsArray());
        Assert.Equal("kubectl-pod", pod!["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal("nginx:1.27", pod["spec"]!["containers"]![0]!["image"]!.GetValue<string>());

        var one = await Cli.RunAsync("get", "pod", "kubectl-pod", "-o", "jsonpath={.metadata.labels.app}");
        Assert.True(one.ExitCode == 0, one.ToString());
        Assert.Equal("demo", one.Stdout);

        var delete = await Cli.RunAsync("delete", "pod", "kubectl-pod");
        Assert.True(delete.ExitCode == 0, delete.ToString());
        Assert.Contains("pod \"kubectl-pod\" deleted", delete.Stdout);

        var after = await Cli.RunAsync("get", "pod", "kubectl-pod");
        Assert.NotEqual(0, after.ExitCode);
        Assert.Contains("NotFound", after.Stderr);
    }

    [Fact]
    public async Task Kubectl_get_watch_prints_the_changes_made_meanwhile()
    {
        var client = new HttpClient { BaseAddress = Server.Address };
        var watching = Cli.RunAsync("get", "configmaps", "-w", "--output-watch-events", "--request-timeout=4s");
        // kubectl lists first: wait for the watch to be open before changing anything.
        var hub = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<MetaServer.Api.Watch.WatchHub>(Server.Services);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (hub.ActiveWatchers == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        await client.PostJsonAsync("/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"watched"}}""");
        await client.PatchJsonAsync("/api/v1/namespaces/default/configmaps/watched", """{"data":{"a":"b"}}""", "application/merge-patch+json");
        await client.DeleteJsonAsync("/api/v1/namespaces/default/configmaps/watched");

        var result = await watching;
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(2))).ToArray();
        Assert.True(lines.Contains("ADDED watched") && lines.Contains("MODIFIED watched") && lines.Contains("DELETED watched"), result.ToString());
        Assert.True(Array.IndexOf(lines, "ADDED watched") < Array.IndexOf(lines, "MODIFIED watched")
            && Array.IndexOf(lines, "MODIFIED watched") < Array.IndexOf(lines, "DELETED watched"), result.ToString());
    }

    [Fact]
    public async Task Apply_then_change_and_reapply_then_get_prints_the_default_table()
    {
        var manifest = await WriteManifestAsync("app.yaml", """
            apiVersion: v1
            kind: Pod
            metadata:
              name: applied
              labels: {app: web, tier: front}
            spec:
              containers:
              - {name: main, image: nginx:1.27}
              - {name: side, image: busybox}
            """);
        var first = await Cli.RunAsync("apply", "-f", manifest);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("pod/applied created", first.Stdout);

        await File.WriteAllTextAsync(manifest, (await File.ReadAllTextAsync(manifest)).Replace("nginx:1.27", "nginx:1.28").Replace(", tier: front", ""));
        var second = await Cli.RunAsync("apply", "-f", manifest);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("pod/applied configured", second.Stdout);

        var images = await Cli.RunAsync("get", "pod", "applied", "-o", "jsonpath={.spec.containers[*].image} {.metadata.labels.tier}");
        Assert.Equal("nginx:1.28 busybox ", images.Stdout);

        var table = await Cli.RunAsync("get", "pods");
        Assert.True(table.ExitCode == 0, table.ToString());
        var lines = table.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["NAME", "READY", "STATUS", "RESTARTS", "AGE"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["applied", "0/2", "Pending", "0"], lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(4));
    }

    [Fact]
    public async Task Api_resources_lists_the_served_kinds_with_short_names_and_scope()
    {
        var result = await Cli.RunAsync("api-resources");

        Assert.True(result.ExitCode == 0, result.ToString());
        var rows = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToDictionary(r => r[0]);
        Assert.Equal(["pods", "po", "v1", "true", "Pod"], rows["pods"]);
        Assert.Equal(["nodes", "no", "v1", "false", "Node"], rows["nodes"]);
        Assert.Equal(["leases", "coordination.k8s.io/v1", "true", "Lease"], rows["leases"]);
        Assert.Equal(["customresourcedefinitions", "crd,crds", "apiextensions.k8s.io/v1", "false", "CustomResourceDefinition"], rows["customresourcedefinitions"]);
    }

    [Fact]
    public async Task Kubectl_reports_theServer_version()
    {
        var version = await Cli.RunAsync("version", "-o", "json");

        Assert.True(version.ExitCode == 0, version.ToString());
        Assert.Equal("1", JsonNode.Parse(version.Stdout)!["serverVersion"]!["major"]!.GetValue<string>());
    }
}
