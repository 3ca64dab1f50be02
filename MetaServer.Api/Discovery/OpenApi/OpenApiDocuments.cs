using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s.Models;
using MetaServer.Domain.Kubernetes;
using MetaServer.Domain.Patching;

namespace MetaServer.Api.Discovery.OpenApi;

/// <summary>One served OpenAPI document: its JSON bytes and the hash (ETag) clients cache it by.</summary>
internal sealed record OpenApiDocument(byte[] Json, string Hash)
{
    public static OpenApiDocument Of(JsonNode document)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(document);

        // kube-openapi's ETag: the upper-case hex SHA-512 of the document.
        return new OpenApiDocument(json, Convert.ToHexString(SHA512.HashData(json)));
    }
}

/// <summary>
/// Builds the documents: /openapi/v3 (the list of group-versions), /openapi/v3/{api/v1 | apis/{group}/{version}}
/// (OpenAPI 3.0, one per group-version) and /openapi/v2 (Swagger 2.0, every served kind). Built-in kinds come
/// from <see cref="ModelSchemas"/>; a custom resource's schema is its definition's stored openAPIV3Schema.
/// </summary>
internal sealed class OpenApiDocuments(ModelSchemas models)
{
    public const string ComponentsRef = "#/components/schemas/";
    public const string DefinitionsRef = "#/definitions/";
    private const string Title = "Kubernetes";
    private const string Version = "v1.32.0";

    /// <summary>"api/v1" for the core group, "apis/{group}/{version}" otherwise: the path under /openapi/v3/.</summary>
    public static string PathOf(string group, string version) => group.Length == 0 ? "api/" + version : "apis/" + group + "/" + version;

    /// <summary>The /openapi/v3 discovery document: every group-version and the hashed URL of its document.</summary>
    public static OpenApiDocument Discovery(IEnumerable<(string Path, OpenApiDocument Document)> groupVersions)
    {
        var paths = new JsonObject();
        foreach (var (path, document) in groupVersions)
        {
            paths[path] = new JsonObject { ["serverRelativeURL"] = "/openapi/v3/" + path + "?hash=" + document.Hash };
        }

        return OpenApiDocument.Of(new JsonObject { ["paths"] = paths });
    }

    /// <summary>The OpenAPI 3.0 document of one group-version's kinds.</summary>
    public OpenApiDocument GroupVersion(IReadOnlyList<ResourceType> types, IReadOnlyDictionary<(string, string, string), JsonObject> customSchemas)
    {
        var schemas = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal);
        var paths = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var type in types)
        {
            if (SchemaOf(type, schemas, ComponentsRef, v3: true, customSchemas) is { } name)
            {
                paths[ItemPath(type)] = PathItem(type, name);
            }
        }

        return OpenApiDocument.Of(new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = Title, ["version"] = Version },
            ["paths"] = ToObject(paths),
            ["components"] = new JsonObject { ["schemas"] = ToObject(schemas) },
        });
    }

    /// <summary>The Swagger 2.0 document of every served kind.</summary>
    public OpenApiDocument SwaggerV2(IReadOnlyList<ResourceType> types, IReadOnlyDictionary<(string, string, string), JsonObject> customSchemas)
    {
        var definitions = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var type in types)
        {
            SchemaOf(type, definitions, DefinitionsRef, v3: false, customSchemas);
        }

        return OpenApiDocument.Of(new JsonObject
        {
            ["swagger"] = "2.0",
            ["info"] = new JsonObject { ["title"] = Title, ["version"] = Version },
            ["paths"] = new JsonObject(),
            ["definitions"] = ToObject(definitions),
        });
    }

    /// <summary>The openAPIV3Schema of each custom resource a stored definition serves, by (group, version, plural).</summary>
    public static Dictionary<(string, string, string), JsonObject> CustomSchemas(IEnumerable<JsonObject> definitions)
    {
        var schemas = new Dictionary<(string, string, string), JsonObject>();
        foreach (var crd in definitions)
        {
            var spec = crd["spec"] as JsonObject;
            var group = Text(spec?["group"]);
            var plural = Text(spec?["names"]?["plural"]);
            foreach (var version in (spec?["versions"] as JsonArray)?.OfType<JsonObject>() ?? [])
            {
                if (version["schema"]?["openAPIV3Schema"] is JsonObject schema)
                {
                    schemas[(group, Text(version["name"]), plural)] = schema;
                }
            }
        }

        return schemas;
    }

    // Adds the kind's schema (and what it refers to) and returns its name; null for a built-in kind with no model.
    private string? SchemaOf(ResourceType type, IDictionary<string, JsonNode?> schemas, string refPrefix, bool v3,
        IReadOnlyDictionary<(string, string, string), JsonObject> customSchemas)
    {
        var gvk = ModelSchemas.GroupVersionKind(type.Group, type.Version, type.Kind);
        if (ResourceCatalog.BuiltIn.Find(type.Group, type.Version, type.Resource) is not null)
        {
            var model = models.ModelFor(type.Group, type.Version, type.Kind);
            if (model is null)
            {
                return null;
            }

            var name = models.Add(model, schemas, refPrefix, v3);
            schemas[name]!["x-kubernetes-group-version-kind"] = gvk;
            if (models.ModelFor(type.Group, type.Version, type.ListKind) is { } list)
            {
                var listName = models.Add(list, schemas, refPrefix, v3);
                schemas[listName]!["x-kubernetes-group-version-kind"] = ModelSchemas.GroupVersionKind(type.Group, type.Version, type.ListKind);
            }

            return name;
        }

        // A custom resource: the definition's schema, with the fields every object has, as the apiserver publishes it.
        var customName = string.Join('.', type.Group.Split('.').Reverse()) + "." + type.Version + "." + type.Kind;
        var schema = customSchemas.TryGetValue((type.Group, type.Version, type.Resource), out var stored)
            ? (JsonObject)stored.DeepClone()
            : new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true };
        if (schema["properties"] is not JsonObject properties)
        {
            schema["properties"] = properties = [];
        }

        properties["apiVersion"] ??= new JsonObject { ["type"] = "string" };
        properties["kind"] ??= new JsonObject { ["type"] = "string" };
        properties["metadata"] = new JsonObject { ["$ref"] = refPrefix + models.Add(typeof(V1ObjectMeta), schemas, refPrefix, v3) };
        schema["x-kubernetes-group-version-kind"] = gvk;
        schemas[customName] = schema;
        return customName;
    }

    private static string ItemPath(ResourceType type) =>
        "/" + PathOf(type.Group, type.Version) + (type.Namespaced ? "/namespaces/{namespace}/" : "/") + type.Resource + "/{name}";

    // get and patch of one object: kubectl reads the patch operation to learn which patch types a kind takes
    // (strategic merge only where the server has the kind's patch metadata) and which query parameters it has.
    private static JsonObject PathItem(ResourceType type, string schemaName)
    {
        var gvk = new JsonObject { ["group"] = type.Group, ["kind"] = type.Kind, ["version"] = type.Version };
        var parameters = new JsonArray(PathParameter("name"));
        if (type.Namespaced)
        {
            parameters.Add(PathParameter("namespace"));
        }

        var patchTypes = new JsonObject
        {
            ["application/json-patch+json"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "object" } },
            ["application/merge-patch+json"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "object" } },
        };
        if (PatchStrategies.Supports(type.Group, type.Kind))
        {
            patchTypes["application/strategic-merge-patch+json"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "object" } };
        }

        return new JsonObject
        {
            ["get"] = Operation("get", gvk, schemaName, null),
            ["patch"] = Operation("patch", gvk, schemaName, new JsonObject { ["content"] = patchTypes, ["required"] = true }),
            ["parameters"] = parameters,
        };
    }

    private static JsonObject Operation(string action, JsonObject gvk, string schemaName, JsonObject? requestBody)
    {
        var operation = new JsonObject
        {
            ["parameters"] = new JsonArray(new JsonObject
            {
                ["name"] = "dryRun",
                ["in"] = "query",
                ["schema"] = new JsonObject { ["type"] = "string" },
            }),
            ["responses"] = new JsonObject
            {
                ["200"] = new JsonObject
                {
                    ["description"] = "OK",
                    ["content"] = new JsonObject
                    {
                        ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = ComponentsRef + schemaName } },
                    },
                },
            },
            ["x-kubernetes-action"] = action,
            ["x-kubernetes-group-version-kind"] = gvk.DeepClone(),
        };
        if (requestBody is not null)
        {
            operation["requestBody"] = requestBody;
        }
        else
        {
            operation.Remove("parameters");
        }

        return operation;
    }

    private static JsonObject PathParameter(string name) => new()
    {
        ["name"] = name,
        ["in"] = "path",
        ["required"] = true,
        ["schema"] = new JsonObject { ["type"] = "string" },
    };

    private static JsonObject ToObject(SortedDictionary<string, JsonNode?> entries)
    {
        var obj = new JsonObject();
        foreach (var (key, value) in entries)
        {
            obj[key] = value;
        }

        return obj;
    }

    private static string Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : "";
}
