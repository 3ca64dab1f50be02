using MetaServer.IntegrationTests.Infrastructure;

namespace MetaServer.IntegrationTests.EndToEnd;

/// <summary>The real kubectl over HTTPS with kubeconfigs that carry client certificates, as an edge node's users would.</summary>
public sealed class KubectlHttpsTests : IAsyncLifetime
{
    private readonly SecureServer _secure = new();
    private readonly TempFolder _work = new();
    private Kubectl _admin = null!;
    private Kubectl _jane = null!;

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(Infrastructure.Kubectl.Path), "kubectl must be installed at /usr/bin/kubectl (.ci/run checks this)");
        _admin = KubectlFor("admin", TestCertificates.IssueClient(_secure.Ca, "admin", ["system:masters"]));
        _jane = KubectlFor("jane", TestCertificates.IssueClient(_secure.Ca, "jane", ["viewers"]));

        var manifest = Path.Combine(_work.Path, "setup.yaml");
        await File.WriteAllTextAsync(manifest, """
            apiVersion: v1
            kind: Pod
            metadata: {name: web, namespace: default}
            spec:
              nodeName: edge-1
              containers: [{name: main, image: nginx:1.27}]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: pod-viewer}
            rules:
            - apiGroups: [""]
              resources: [pods]
              verbs: [get, list, watch]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: {name: viewers-see-pods, namespace: default}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: pod-viewer}
            subjects:
            - {apiGroup: rbac.authorization.k8s.io, kind: Group, name: viewers}
            """);
        var create = await _admin.RunAsync("create", "-f", manifest);
        Assert.True(create.ExitCode == 0, create.ToString());
    }

    public async Task DisposeAsync()
    {
        await _secure.DisposeAsync();
        _work.Dispose();
    }

    private Kubectl KubectlFor(string name, System.Security.Cryptography.X509Certificates.X509Certificate2? certificate)
    {
        var home = Path.Combine(_work.Path, name);
        Directory.CreateDirectory(home);
        return new Kubectl(_secure.Address, home, _secure.WriteKubeconfig(name, certificate));
    }

    [Fact]
    public async Task Admin_kubeconfig_gets_and_creates_and_can_do_anything()
    {
        var get = await _admin.RunAsync("get", "pods");
        Assert.True(get.ExitCode == 0, get.ToString());
        Assert.Contains("web", get.Stdout);

        var bindings = await _admin.RunAsync("get", "rolebindings", "-o", "wide");
        Assert.True(bindings.ExitCode == 0, bindings.ToString());
        Assert.Matches(@"viewers-see-pods\s+ClusterRole/pod-viewer\s+\S+\s+viewers", bindings.Stdout);

        var canI = await _admin.RunAsync("auth", "can-i", "delete", "nodes");
        Assert.Equal(("yes", 0), (canI.Stdout.Trim(), canI.ExitCode));

        var whoami = await _admin.RunAsync("auth", "whoami");
        Assert.True(whoami.ExitCode == 0, whoami.ToString());
        Assert.Matches(@"Username\s+admin", whoami.Stdout);
        Assert.Matches(@"Groups\s+\[system:masters system:authenticated\]", whoami.Stdout);
    }

    [Fact]
    public async Task Read_only_user_reads_and_can_i_answers_for_it()
    {
        var get = await _jane.RunAsync("get", "pods", "-o", "name");
        Assert.True(get.ExitCode == 0, get.ToString());
        Assert.Equal("pod/web", get.Stdout.Trim());

        var list = await _jane.RunAsync("auth", "can-i", "list", "pods");
        Assert.Equal(("yes", 0), (list.Stdout.Trim(), list.ExitCode));

        var delete = await _jane.RunAsync("auth", "can-i", "delete", "pods");
        Assert.Equal(("no", 1), (delete.Stdout.Trim(), delete.ExitCode));

        var elsewhere = await _jane.RunAsync("auth", "can-i", "list", "pods", "-n", "kube-system");
        Assert.Equal(("no", 1), (elsewhere.Stdout.Trim(), elsewhere.ExitCode));
    }

    [Fact]
    public async Task Forbidden_delete_shows_the_apiservers_message()
    {
        var delete = await _jane.RunAsync("delete", "pod", "web");
        Assert.NotEqual(0, delete.ExitCode);
        Assert.Contains("Error from server (Forbidden): pods \"web\" is forbidden: User \"jane\" cannot delete resource \"pods\" in API group \"\" in the namespace \"default\"",
            delete.Stderr);

        var still = await _admin.RunAsync("get", "pod", "web", "-o", "name");
        Assert.Equal("pod/web", still.Stdout.Trim());
    }

    [Fact]
    public async Task Kubeconfig_with_a_certificate_from_another_CA_is_unauthorized()
    {
        // (kubectl prompts for a user name when a kubeconfig has no credentials at all, so the stranger brings some.)
        using var otherCa = TestCertificates.CreateCa("someone-else");
        var stranger = KubectlFor("stranger", TestCertificates.IssueClient(otherCa, "admin", ["system:masters"]));
        var get = await stranger.RunAsync("get", "pods");
        Assert.NotEqual(0, get.ExitCode);
        Assert.Contains("error: You must be logged in to the server", get.Stderr);
    }
}
