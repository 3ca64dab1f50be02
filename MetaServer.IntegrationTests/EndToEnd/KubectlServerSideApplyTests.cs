using MetaServer.IntegrationTests.Infrastructure;

namespace MetaServer.IntegrationTests.EndToEnd;

/// <summary>The real kubectl's <c>apply --server-side</c> against the server on a real Kestrel listener.</summary>
public sealed class KubectlServerSideApplyTests() : KubectlTest()
{
    private async Task<string> ManifestAsync(string file, string image, string tier)
    {
        var path = Path.Combine(Work.Path, file);
        await File.WriteAllTextAsync(path, $"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: ssa-pod
              labels:
                app: demo
                tier: {tier}
            spec:
              nodeName: edge-1
              containers:
              - name: main
                image: {image}
            """);
        return path;
    }

    private Task<Kubectl.Result> RunAsync(params string[] args) => Cli.RunAsync(args);

    [Fact]
    public async Task ApplyServer_side_creates_updates_conflicts_with_another_manager_and_forces()
    {
        var first = await RunAsync("apply", "--server-side", "-f", await ManifestAsync("a.yaml", "nginx:1.27", "front"));
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("pod/ssa-pod serverside-applied", first.Stdout);

        var relabel = await RunAsync("apply", "--server-side", "-f", await ManifestAsync("a.yaml", "nginx:1.27", "back"));
        Assert.True(relabel.ExitCode == 0, relabel.ToString());
        var tier = await RunAsync("get", "pod", "ssa-pod", "-o", "jsonpath={.metadata.labels.tier}");
        Assert.Equal("back", tier.Stdout);

        var other = await ManifestAsync("b.yaml", "nginx:2", "back");
        var conflict = await RunAsync("apply", "--server-side", "--field-manager=other", "-f", other);
        Assert.NotEqual(0, conflict.ExitCode);
        Assert.Contains("Apply failed with 1 conflict: conflict with \"kubectl\": .spec.containers[name=\"main\"].image", conflict.Stderr);
        Assert.Contains("--force-conflicts", conflict.Stderr);

        var forced = await RunAsync("apply", "--server-side", "--field-manager=other", "--force-conflicts", "-f", other);
        Assert.True(forced.ExitCode == 0, forced.ToString());
        var image = await RunAsync("get", "pod", "ssa-pod", "-o", "jsonpath={.spec.containers[0].image}");
        Assert.Equal("nginx:2", image.Stdout);

        var withFields = await RunAsync("get", "pod", "ssa-pod", "-o", "yaml", "--show-managed-fields");
        Assert.True(withFields.ExitCode == 0, withFields.ToString());
        Assert.Contains("manager: kubectl", withFields.Stdout);
        Assert.Contains("manager: other", withFields.Stdout);
        Assert.Contains("operation: Apply", withFields.Stdout);
        Assert.Contains("f:image: {}", withFields.Stdout);

        var plain = await RunAsync("get", "pod", "ssa-pod", "-o", "yaml");
        Assert.DoesNotContain("managedFields", plain.Stdout);

        // kubectl label is an Update by "kubectl-label": it takes the label, and the applier then conflicts with it.
        var label = await RunAsync("label", "pod", "ssa-pod", "tier=edited", "--overwrite");
        Assert.True(label.ExitCode == 0, label.ToString());
        var reapply = await RunAsync("apply", "--server-side", "-f", await ManifestAsync("a.yaml", "nginx:2", "back"));
        Assert.NotEqual(0, reapply.ExitCode);
        Assert.Contains("conflict with \"kubectl-label\" using v1: .metadata.labels.tier", reapply.Stderr);
    }
}
