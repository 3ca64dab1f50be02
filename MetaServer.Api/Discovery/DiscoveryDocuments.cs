using System.Buffers;
using System.Text.Json;
using MetaServer.Domain.Kubernetes;

namespace MetaServer.Api.Discovery;

/// <summary>The discovery documents (/api, /apis, resource lists), built once per catalog.</summary>
internal sealed class DiscoveryDocuments
{
    private static readonly string[] Verbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
    private static readonly string[] SubresourceVerbs = ["get", "patch", "update"];

    private readonly Dictionary<(string Group, string Version), byte[]> _resourceLists = [];
    private readonly Dictionary<string, byte[]> _groups = [];

    private readonly Dictionary<(bool Core, string Version), byte[]> _aggregated = [];

    public DiscoveryDocuments(ResourceCatalog catalog)
    {
        foreach (var version in (ReadOnlySpan<string>)["v2", "v2beta1"])
        {
            _aggregated[(true, version)] = AggregatedDiscovery.Build(catalog, core: true, version, Verbs, SubresourceVerbs);
            _aggregated[(false, version)] = AggregatedDiscovery.Build(catalog, core: false, version, Verbs, SubresourceVerbs);
        }

        CoreVersions = Build(w =>
        {
            w.WriteString("kind", "APIVersions");
            w.WriteStartArray("versions");
            w.WriteStringValue("v1");
            w.WriteEndArray();
            w.WriteStartArray("serverAddressByClientCIDRs");
            w.WriteStartObject();
            w.WriteString("clientCIDR", "0.0.0.0/0");
            w.WriteString("serverAddress", "127.0.0.1:10550");
            w.WriteEndObject();
            w.WriteEndArray();
        });

        var groupNames = catalog.GroupVersions.Where(gv => gv.Group.Length > 0).Select(gv => gv.Group).Distinct().ToArray();
        Groups = Build(w =>
        {
            w.WriteString("kind", "APIGroupList");
            w.WriteString("apiVersion", "v1");
            w.WriteStartArray("groups");
            foreach (var group in groupNames)
            {
                WriteGroup(w, group, catalog);
            }

            w.WriteEndArray();
        });

        foreach (var group in groupNames)
        {
            _groups[group] = Build(w =>
            {
                w.WriteString("kind", "APIGroup");
                w.WriteString("apiVersion", "v1");
                WriteGroupBody(w, group, catalog);
            });
        }

        foreach (var (group, version) in catalog.GroupVersions)
        {
            var types = catalog.All.Where(t => t.Group == group && t.Version == version).ToArray();
            _resourceLists[(group, version)] = Build(w =>
            {
                w.WriteString("kind", "APIResourceList");
                w.WriteString("apiVersion", "v1");
                w.WriteString("groupVersion", types[0].ApiVersion);
                w.WriteStartArray("resources");
                foreach (var type in types)
                {
                    WriteResource(w, type.Resource, type.SingularName, type, Verbs, type.ShortNames);
                    foreach (var sub in type.Subresources)
                    {
                        WriteResource(w, type.Resource + "/" + sub, "", type, SubresourceVerbs, []);
                    }
                }

                w.WriteEndArray();
            });
        }
    }

    /// <summary>/api</summary>
    public byte[] CoreVersions { get; }

    /// <summary>/apis</summary>
    public byte[] Groups { get; }

    /// <summary>The aggregated list for /api (core) or /apis, in apidiscovery v2 or v2beta1.</summary>
    public byte[] Aggregated(bool core, string version) => _aggregated[(core, version)];

    public byte[]? Group(string group) => _groups.GetValueOrDefault(group);

    public byte[]? ResourceList(string group, string version) => _resourceLists.GetValueOrDefault((group, version));

    private static void WriteGroup(Utf8JsonWriter w, string group, ResourceCatalog catalog)
    {
        w.WriteStartObject();
        WriteGroupBody(w, group, catalog);
        w.WriteEndObject();
    }

    private static void WriteGroupBody(Utf8JsonWriter w, string group, ResourceCatalog catalog)
    {
        var versions = catalog.GroupVersions.Where(gv => gv.Group == group).Select(gv => gv.Version).ToArray();
        w.WriteString("name", group);
        w.WriteStartArray("versions");
        foreach (var version in versions)
        {
            WriteGroupVersion(w, group, version);
        }

        w.WriteEndArray();
        w.WritePropertyName("preferredVersion");
        WriteGroupVersion(w, group, versions[0]);
    }

    private static void WriteGroupVersion(Utf8JsonWriter w, string group, string version)
    {
        w.WriteStartObject();
        w.WriteString("groupVersion", group + "/" + version);
        w.WriteString("version", version);
        w.WriteEndObject();
    }

    private static void WriteResource(Utf8JsonWriter w, string name, string singular, ResourceType type, string[] verbs, IReadOnlyList<string> shortNames)
    {
        w.WriteStartObject();
        w.WriteString("name", name);
        w.WriteString("singularName", singular);
        w.WriteBoolean("namespaced", type.Namespaced);
        w.WriteString("kind", type.Kind);
        w.WriteStartArray("verbs");
        foreach (var verb in verbs)
        {
            w.WriteStringValue(verb);
        }

        w.WriteEndArray();
        if (shortNames.Count > 0)
        {
            w.WriteStartArray("shortNames");
            foreach (var shortName in shortNames)
            {
                w.WriteStringValue(shortName);
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    private static byte[] Build(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
