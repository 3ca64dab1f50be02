using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using MetaServer.IntegrationTests.Infrastructure;

namespace MetaServer.IntegrationTests.EndToEnd;

/// <summary>The official C# client (KubernetesClient) as a peer: typed CRUD and an informer-style list + watch.</summary>
public sealed class ClientLibraryTests : IAsyncLifetime
{
    private readonly EdgeMetaServer _server = new(kestrel: true);
    private k8s.Kubernetes _client = null!;

    public Task InitializeAsync()
    {
        _client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = _server.Address.ToString().TrimEnd('/') });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Typed_client_creates_reads_patches_replaces_and_deletes()
    {
        var created = await _client.CoreV1.CreateNamespacedConfigMapAsync(
            new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "typed", Labels = new Dictionary<string, string> { ["app"] = "x" } }, Data = new Dictionary<string, string> { ["k"] = "v" } },
            "default");
        Assert.False(string.IsNullOrEmpty(created.Metadata.Uid));

        var patched = await _client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch("""{"data":{"k":"v2"}}""", V1Patch.PatchType.MergePatch), "typed", "default");
        Assert.Equal("v2", patched.Data["k"]);

        patched.Data["k"] = "v3";
        var replaced = await _client.CoreV1.ReplaceNamespacedConfigMapAsync(patched, "typed", "default");
        Assert.Equal("v3", replaced.Data["k"]);

        var stale = created;
        stale.Data["k"] = "lost";
        var conflict = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => _client.CoreV1.ReplaceNamespacedConfigMapAsync(stale, "typed", "default"));
        Assert.Equal(System.Net.HttpStatusCode.Conflict, conflict.Response.StatusCode);

        var list = await _client.CoreV1.ListNamespacedConfigMapAsync("default", labelSelector: "app=x");
        Assert.Equal("typed", Assert.Single(list.Items).Metadata.Name);

        await _client.CoreV1.DeleteNamespacedConfigMapAsync("typed", "default");
        var missing = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => _client.CoreV1.ReadNamespacedConfigMapAsync("typed", "default"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.Response.StatusCode);
    }

    [Fact]
    public async Task An_informer_style_list_and_watch_stays_in_sync_with_the_store()
    {
        var state = new ConcurrentDictionary<string, string>();
        var list = await _client.CoreV1.ListNamespacedConfigMapAsync("default");
        foreach (var item in list.Items)
        {
            state[item.Metadata.Name] = item.Metadata.ResourceVersion;
        }

        var lastRevision = 0L;
        using var watch = _client.CoreV1.WatchListNamespacedConfigMap("default", resourceVersion: list.Metadata.ResourceVersion, onEvent: (type, item) =>
        {
            if (type == WatchEventType.Deleted)
            {
                state.TryRemove(item.Metadata.Name, out _);
            }
            else
            {
                state[item.Metadata.Name] = item.Metadata.ResourceVersion;
            }

            Interlocked.Exchange(ref lastRevision, long.Parse(item.Metadata.ResourceVersion));
        });

        for (var i = 0; i < 60; i++)
        {
            var name = $"inf-{i / 3}";
            switch (i % 3 == 2 && i / 3 % 2 == 1 ? 1 : i % 3)
            {
                case 0:
                    await _client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name } }, "default");
                    break;
                case 1:
                    await _client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch($$$"""{"data":{"i":"{{{i}}}"}}""", V1Patch.PatchType.MergePatch), name, "default");
                    break;
                default:
                    await _client.CoreV1.DeleteNamespacedConfigMapAsync(name, "default");
                    break;
            }
        }

        var final = await _client.CoreV1.ListNamespacedConfigMapAsync("default");
        var target = long.Parse(final.Metadata.ResourceVersion);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (Interlocked.Read(ref lastRevision) < target && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(
            final.Items.ToDictionary(i => i.Metadata.Name, i => i.Metadata.ResourceVersion).OrderBy(p => p.Key),
            state.OrderBy(p => p.Key));
    }
}
