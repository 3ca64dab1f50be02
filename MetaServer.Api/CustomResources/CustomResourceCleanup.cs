using MetaServer.Api.Kubernetes.Handlers;
using MetaServer.Data;
using MetaServer.Domain.Kubernetes;

namespace MetaServer.Api.CustomResources;

/// <summary>Removes every object of a custom resource once its definition is deleted, as the apiserver's cleanup finalizer does.</summary>
internal sealed class CustomResourceCleanup(SqliteStore store, StoreWriter writer, TimeProvider clock)
{
    public async Task<int> RemoveAllAsync(ResourceType served)
    {
        var prefix = served.KeyPrefix(null);
        var writes = new List<ObjectWrite>();
        using (var cursor = store.OpenList(prefix, null))
        {
            while (cursor.Read())
            {
                var (@namespace, name) = served.SplitKey(cursor.Key);
                writes.Add(DeleteHandler.Write(served, @namespace, name, Kubernetes.DeleteOptions.None, clock.GetUtcNow()));
            }
        }

        // Finalizers on the objects are not waited for: with their definition gone nothing could remove them.
        var removed = 0;
        foreach (var write in writes)
        {
            var forced = write with { Mutate = current => current is null ? Mutation.Refuse(KubeStatus.NotFound(served.Group, served.Resource, write.Name)) : Mutation.Remove };
            if (await writer.WriteAsync(forced) is WriteResult.Committed)
            {
                removed++;
            }
        }

        return removed;
    }
}
