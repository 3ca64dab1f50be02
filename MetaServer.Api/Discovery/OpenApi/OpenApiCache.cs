using System.Diagnostics;
using System.Text.Json.Nodes;
using MetaServer.Api.CustomResources;
using MetaServer.Data;
using MetaServer.Domain.Kubernetes;

namespace MetaServer.Api.Discovery.OpenApi;

/// <summary>
/// The served OpenAPI documents, each built on first use and kept as bytes. The built-in group-versions never
/// change and are built once per process; a group-version with custom resources, the /openapi/v3 list and the v2
/// document belong to one catalog and are built again after a definition change replaced it.
/// </summary>
internal sealed class OpenApiCache(ResourceRegistry registry, SqliteStore store, IConfiguration configuration, ILogger<OpenApiCache> logger)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Group, string Version), OpenApiDocument> _builtIn = [];
    private ModelSchemas? _models;
    private ForCatalog? _current;

    /// <summary>The /openapi/v3 list of group-versions.</summary>
    public OpenApiDocument Discovery => Current().Discovery;

    /// <summary>The document of "api/v1" or "apis/{group}/{version}", or null if no such group-version is served.</summary>
    public OpenApiDocument? GroupVersion(string path) => Current().GroupVersions.GetValueOrDefault(path);

    /// <summary>The Swagger 2.0 document.</summary>
    public OpenApiDocument SwaggerV2
    {
        get
        {
            var current = Current();
            lock (_gate)
            {
                return current.SwaggerV2 ??= Measure("v2", () =>
                    new OpenApiDocuments(Models()).SwaggerV2(current.Catalog.All, current.CustomSchemas));
            }
        }
    }

    private ForCatalog Current()
    {
        var catalog = registry.Current;
        var current = Volatile.Read(ref _current);
        if (current is not null && ReferenceEquals(current.Catalog, catalog))
        {
            return current;
        }

        lock (_gate)
        {
            current = _current;
            if (current is null || !ReferenceEquals(current.Catalog, catalog))
            {
                current = Build(catalog);
                Volatile.Write(ref _current, current);
            }

            return current;
        }
    }

    private ForCatalog Build(ResourceCatalog catalog)
    {
        var documents = new OpenApiDocuments(Models());
        var custom = catalog.All.Any(t => ResourceCatalog.BuiltIn.Find(t.Group, t.Version, t.Resource) is null)
            ? OpenApiDocuments.CustomSchemas(StoredDefinitions())
            : [];
        var groupVersions = new Dictionary<string, OpenApiDocument>(StringComparer.Ordinal);
        foreach (var (group, version) in catalog.GroupVersions)
        {
            var types = catalog.All.Where(t => t.Group == group && t.Version == version).ToArray();
            var path = OpenApiDocuments.PathOf(group, version);
            if (types.All(t => ResourceCatalog.BuiltIn.Find(t.Group, t.Version, t.Resource) is not null))
            {
                if (!_builtIn.TryGetValue((group, version), out var document))
                {
                    document = Measure(path, () => documents.GroupVersion(types, custom));
                    _builtIn[(group, version)] = document;
                }

                groupVersions[path] = document;
            }
            else
            {
                groupVersions[path] = Measure(path, () => documents.GroupVersion(types, custom));
            }
        }

        return new ForCatalog(catalog, groupVersions, OpenApiDocuments.Discovery(groupVersions.Select(g => (g.Key, g.Value))), custom);
    }

    private List<JsonObject> StoredDefinitions()
    {
        var definitions = new List<JsonObject>();
        using var cursor = store.OpenList(ResourceCatalog.CustomResourceDefinitions.KeyPrefix(null), null);
        while (cursor.Read())
        {
            if (JsonNode.Parse(cursor.Value) is JsonObject crd)
            {
                definitions.Add(crd);
            }
        }

        return definitions;
    }

    private ModelSchemas Models()
    {
        if (_models is null)
        {
            var started = Stopwatch.GetTimestamp();
            var path = configuration["OpenApi:ModelDocs"] is { Length: > 0 } configured ? configured : ModelDocs.DefaultPath;
            var docs = ModelDocs.Load(path);
            _models = new ModelSchemas(docs);
            logger.LogInformation("OpenAPI model schemas ready in {Elapsed} ms ({Descriptions} descriptions from {Path})",
                Stopwatch.GetElapsedTime(started).TotalMilliseconds, docs.Count, docs.Count > 0 ? path : "nowhere");
        }

        return _models;
    }

    private OpenApiDocument Measure(string what, Func<OpenApiDocument> build)
    {
        var started = Stopwatch.GetTimestamp();
        var document = build();
        logger.LogInformation("OpenAPI document {Document} built in {Elapsed} ms, {Bytes} bytes",
            what, Stopwatch.GetElapsedTime(started).TotalMilliseconds, document.Json.Length);
        return document;
    }

    private sealed class ForCatalog(ResourceCatalog catalog, Dictionary<string, OpenApiDocument> groupVersions, OpenApiDocument discovery,
        Dictionary<(string, string, string), JsonObject> customSchemas)
    {
        public ResourceCatalog Catalog { get; } = catalog;

        public Dictionary<string, OpenApiDocument> GroupVersions { get; } = groupVersions;

        public OpenApiDocument Discovery { get; } = discovery;

        public Dictionary<(string, string, string), JsonObject> CustomSchemas { get; } = customSchemas;

        public OpenApiDocument? SwaggerV2 { get; set; }
    }
}
