using System.Text.Json.Nodes;
using MetaServer.Data;
using MetaServer.Domain.Kubernetes;

namespace MetaServer.Api.CustomResources;

/// <summary>
/// The catalog of what is servable right now: the built-in kinds plus one resource type per stored
/// CustomResourceDefinition. Loaded from the store at start and kept current from committed CRD changes, so a
/// definition serves its resources as soon as its write commits, and stops when it is deleted.
/// </summary>
internal sealed class ResourceRegistry : IChangeObserver
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ResourceType> _custom = new(StringComparer.Ordinal);
    private ResourceCatalog _current = ResourceCatalog.BuiltIn;

    public ResourceRegistry(SqliteStore store)
    {
        using var cursor = store.OpenList(ResourceCatalog.CustomResourceDefinitions.KeyPrefix(null), null);
        while (cursor.Read())
        {
            if (JsonNode.Parse(cursor.Value) is JsonObject crd && CustomResourceDefinitions.ServedType(crd) is { } type)
            {
                _custom[cursor.Key] = type;
            }
        }

        Rebuild();
    }

    /// <summary>The catalog as of the last committed definition change.</summary>
    public ResourceCatalog Current => Volatile.Read(ref _current);

    /// <summary>The resource type a stored definition serves, if it is registered.</summary>
    public ResourceType? ServedBy(string crdKey)
    {
        lock (_gate)
        {
            return _custom.GetValueOrDefault(crdKey);
        }
    }

    public void OnCommitted(IReadOnlyList<CommittedChange> changes)
    {
        var changed = false;
        foreach (var change in changes)
        {
            if (change.Gvr != ResourceCatalog.CustomResourceDefinitions.Gvr)
            {
                continue;
            }

            lock (_gate)
            {
                if (change.Type != ChangeType.Deleted && JsonNode.Parse(change.Value) is JsonObject crd && CustomResourceDefinitions.ServedType(crd) is { } type)
                {
                    _custom[change.Key] = type;
                }
                else
                {
                    _custom.Remove(change.Key);
                }
            }

            changed = true;
        }

        if (changed)
        {
            Rebuild();
        }
    }

    private void Rebuild()
    {
        lock (_gate)
        {
            Volatile.Write(ref _current, ResourceCatalog.BuiltIn.With(_custom.Values));
        }
    }
}
