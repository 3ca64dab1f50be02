using MetaServer.Api.CustomResources;
using MetaServer.Domain.Kubernetes;

namespace MetaServer.Api.Discovery;

/// <summary>The discovery documents of the current catalog, rebuilt only when a definition change replaced it.</summary>
internal sealed class DiscoveryCache(ResourceRegistry registry)
{
    private Built? _built;

    public DiscoveryDocuments Current
    {
        get
        {
            var catalog = registry.Current;
            var built = Volatile.Read(ref _built);
            if (built is not null && ReferenceEquals(built.Catalog, catalog))
            {
                return built.Documents;
            }

            built = new Built(catalog, new DiscoveryDocuments(catalog));
            Volatile.Write(ref _built, built);
            return built.Documents;
        }
    }

    private sealed record Built(ResourceCatalog Catalog, DiscoveryDocuments Documents);
}
