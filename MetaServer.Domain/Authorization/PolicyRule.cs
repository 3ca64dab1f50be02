using System.Text.Json.Nodes;

namespace MetaServer.Domain.Authorization;

/// <summary>One rbac.authorization.k8s.io/v1 PolicyRule, matched the way the API server's RBAC authorizer matches it.</summary>
public sealed record PolicyRule(
    IReadOnlyList<string> Verbs,
    IReadOnlyList<string> ApiGroups,
    IReadOnlyList<string> Resources,
    IReadOnlyList<string> ResourceNames,
    IReadOnlyList<string> NonResourceUrls)
{
    private const string All = "*";

    public bool Allows(AccessRequest request)
    {
        if (!Contains(Verbs, request.Verb))
        {
            return false;
        }

        if (!request.IsResourceRequest)
        {
            return NonResourceUrlMatches(request.Path);
        }

        return Contains(ApiGroups, request.Group)
            && ResourceMatches(request.ResourceWithSubresource, request.Subresource)
            && (ResourceNames.Count == 0 || ResourceNames.Contains(request.Name, StringComparer.Ordinal));
    }

    /// <summary>The rules of a Role or ClusterRole object (its <c>rules</c> array); malformed entries grant nothing.</summary>
    public static IReadOnlyList<PolicyRule> ParseAll(JsonNode? rules)
    {
        if (rules is not JsonArray array)
        {
            return [];
        }

        var parsed = new List<PolicyRule>(array.Count);
        foreach (var rule in array)
        {
            if (rule is JsonObject obj)
            {
                parsed.Add(new PolicyRule(Strings(obj["verbs"]), Strings(obj["apiGroups"]), Strings(obj["resources"]),
                    Strings(obj["resourceNames"]), Strings(obj["nonResourceURLs"])));
            }
        }

        return parsed;
    }

    private static bool Contains(IReadOnlyList<string> values, string value)
    {
        foreach (var candidate in values)
        {
            if (candidate == All || candidate == value)
            {
                return true;
            }
        }

        return false;
    }

    // "*" matches everything, "pods/status" exactly that subresource, "*/status" that subresource of anything.
    private bool ResourceMatches(string requested, string subresource)
    {
        foreach (var resource in Resources)
        {
            if (resource == All || resource == requested)
            {
                return true;
            }

            if (subresource.Length > 0 && resource.Length == subresource.Length + 2 && resource.StartsWith("*/", StringComparison.Ordinal)
                && resource.EndsWith(subresource, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    // "/healthz" exactly, or "/apis/*" as a prefix; "*" everything.
    private bool NonResourceUrlMatches(string path)
    {
        foreach (var url in NonResourceUrls)
        {
            if (url == All || url == path)
            {
                return true;
            }

            if (url.EndsWith('*') && path.StartsWith(url.AsSpan(0, url.Length - 1), StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static string[] Strings(JsonNode? node) =>
        node is JsonArray array ? [.. array.Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null).OfType<string>()] : [];
}
