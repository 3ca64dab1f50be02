using MetaServer.Api.Kubernetes.Handlers;
using MetaServer.Data;
using MetaServer.Domain.Kubernetes;

namespace MetaServer.Api.CustomResources;

/// <summary>
/// Removes what depends on a deleted object: every object of a custom resource once its definition is deleted
/// (the apiserver's cleanup finalizer), every object in a namespace once the namespace is deleted (the
/// namespace controller's job). Finalizers on those objects are not waited for: nothing could remove them.
/// </summary>
internal sealed class DependentCleanup(SqliteStore store, StoreWriter writer, TimeProvider clock, ResourceRegistry registry)
{
    /// <summary>Deletes every object in <paramref name="namespace"/>, of every namespaced resource served.</summary>
    public async Task RemoveNamespaceAsync(string @namespace)
    {
        foreach (var type in registry.Current.All.Where(t => t.Namespaced))
        {
            await RemoveAllAsync(type, @namespace);
        }
    }

    /// <summary>Deletes every object of <paramref name="served"/> (in one namespace, or all).</summary>
    public async Task RemoveAllAsync(ResourceType served, string? @namespace = null)
    {
        var prefix = served.KeyPrefix(@namespace);
        var writes = new List<ObjectWrite>();
        using (var cursor = store.OpenList(prefix, null))
        {
            while (cursor.Read())
            {
                var (objectNamespace, name) = served.SplitKey(cursor.Key);
                writes.Add(DeleteHandler.Write(served, objectNamespace, name, Kubernetes.DeleteOptions.None, clock.GetUtcNow()));
            }
        }

        foreach (var write in writes)
        {
            await writer.WriteAsync(write with { Mutate = current => current is null ? Mutation.Refuse(KubeStatus.NotFound(served.Group, served.Resource, write.Name)) : Mutation.Remove });
        }
    }
}
