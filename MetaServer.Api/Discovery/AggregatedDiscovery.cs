using System.Buffers;
using System.Text.Json;
using MetaServer.Domain.Kubernetes;

namespace MetaServer.Api.Discovery;

/// <summary>
/// Aggregated discovery (apidiscovery.k8s.io v2 and v2beta1): every group, version and resource in one
/// answer to /api or /apis, which is what kubectl asks for first and caches.
/// </summary>
internal static class AggregatedDiscovery
{
    /// <summary>The apidiscovery version the Accept header asks for ("v2" or "v2beta1"), or null for the legacy documents.</summary>
    public static string? Requested(string? accept)
    {
        if (string.IsNullOrEmpty(accept))
        {
            return null;
        }

        foreach (var range in accept.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = range.Split(';', StringSplitOptions.TrimEntries);
            if (!parts[0].Equals("application/json", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!parts.Contains("g=apidiscovery.k8s.io") || !parts.Contains("as=APIGroupDiscoveryList"))
            {
                return null; // plain JSON comes first: the legacy documents
            }

            if (parts.Contains("v=v2"))
            {
                return "v2";
            }

            if (parts.Contains("v=v2beta1"))
            {
                return "v2beta1";
            }
        }

        return null;
    }

    public static string ContentType(string version) => $"application/json;g=apidiscovery.k8s.io;v={version};as=APIGroupDiscoveryList";

    /// <summary>The list for /api (core group only) or /apis (every named group).</summary>
    public static byte[] Build(ResourceCatalog catalog, bool core, string version, IReadOnlyList<string> verbs, IReadOnlyList<string> subresourceVerbs)
    {
        var buffer = new ArrayBufferWriter<byte>(8192);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("kind", "APIGroupDiscoveryList");
            w.WriteString("apiVersion", "apidiscovery.k8s.io/" + version);
            w.WriteStartObject("metadata");
            w.WriteEndObject();
            w.WriteStartArray("items");
            foreach (var group in catalog.GroupVersions.Select(gv => gv.Group).Distinct().Where(g => (g.Length == 0) == core))
            {
                w.WriteStartObject();
                w.WriteStartObject("metadata");
                w.WriteString("name", group);
                w.WriteNull("creationTimestamp");
                w.WriteEndObject();
                w.WriteStartArray("versions");
                foreach (var (_, groupVersion) in catalog.GroupVersions.Where(gv => gv.Group == group))
                {
                    w.WriteStartObject();
                    w.WriteString("version", groupVersion);
                    w.WriteStartArray("resources");
                    foreach (var type in catalog.All.Where(t => t.Group == group && t.Version == groupVersion))
                    {
                        WriteResource(w, type, verbs, subresourceVerbs);
                    }

                    w.WriteEndArray();
                    w.WriteString("freshness", "Current");
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteResource(Utf8JsonWriter w, ResourceType type, IReadOnlyList<string> verbs, IReadOnlyList<string> subresourceVerbs)
    {
        w.WriteStartObject();
        w.WriteString("resource", type.Resource);
        WriteKind(w, "responseKind", type);
        w.WriteString("scope", type.Namespaced ? "Namespaced" : "Cluster");
        w.WriteString("singularResource", type.SingularName);
        WriteStrings(w, "verbs", verbs);
        if (type.ShortNames.Count > 0)
        {
            WriteStrings(w, "shortNames", type.ShortNames);
        }

        if (type.Subresources.Count > 0)
        {
            w.WriteStartArray("subresources");
            foreach (var subresource in type.Subresources)
            {
                w.WriteStartObject();
                w.WriteString("subresource", subresource);
                WriteKind(w, "responseKind", type);
                WriteStrings(w, "verbs", subresourceVerbs);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    private static void WriteKind(Utf8JsonWriter w, string name, ResourceType type)
    {
        w.WriteStartObject(name);
        w.WriteString("group", type.Group);
        w.WriteString("version", type.Version);
        w.WriteString("kind", type.Kind);
        w.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IReadOnlyList<string> values)
    {
        w.WriteStartArray(name);
        foreach (var value in values)
        {
            w.WriteStringValue(value);
        }

        w.WriteEndArray();
    }
}
