namespace MetaServer.Domain.Kubernetes;

/// <summary>Turns method + path + the watch flag into a <see cref="RequestInfo"/>; pure, so it is table-tested.</summary>
public static class RequestInfoParser
{
    // Path prefixes under which resources live; "api" is the legacy core group with no group segment.
    private const string LegacyPrefix = "api";
    private const string GroupPrefix = "apis";

    /// <summary>Parses a request. <paramref name="watchQuery"/> is the raw value of the <c>watch</c> query parameter.</summary>
    public static RequestInfo Parse(string method, string path, string? watchQuery = null)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var nonResource = new RequestInfo { IsResourceRequest = false, Path = path, Verb = method.ToLowerInvariant() };
        if (parts.Length < 3 || (parts[0] != LegacyPrefix && parts[0] != GroupPrefix))
        {
            return nonResource;
        }

        var prefix = parts[0];
        var rest = parts.AsSpan(1);
        var group = "";
        if (prefix == GroupPrefix)
        {
            // /apis/{group}/{version}/{resource}: a group-version root is discovery, not a resource.
            if (rest.Length < 3)
            {
                return nonResource;
            }

            group = rest[0];
            rest = rest[1..];
        }

        var version = rest[0];
        rest = rest[1..];

        var verb = "";
        var legacyWatch = false;
        if (rest.Length > 0 && rest[0] is "watch" or "proxy")
        {
            verb = rest[0];
            legacyWatch = verb == "watch";
            rest = rest[1..];
        }
        else
        {
            verb = VerbOf(method);
        }

        var @namespace = "";
        if (rest.Length > 0 && rest[0] == "namespaces")
        {
            if (rest.Length > 1)
            {
                @namespace = rest[1];
                // namespaces/{ns}/{resource}: the namespace scopes another resource, unless it is the
                // namespace's own subresource (status, finalize).
                if (rest.Length > 2 && rest[2] is not ("status" or "finalize"))
                {
                    rest = rest[2..];
                }
            }
        }

        var resource = rest.Length > 0 ? rest[0] : "";
        var name = rest.Length > 1 ? rest[1] : "";
        var subresource = rest.Length > 2 && verb != "proxy" ? rest[2] : "";

        if (name.Length == 0 && verb == "get")
        {
            verb = IsTrue(watchQuery) ? "watch" : "list";
        }
        else if (name.Length == 0 && verb == "delete")
        {
            verb = "deletecollection";
        }
        else if (legacyWatch)
        {
            verb = "watch";
        }

        return new RequestInfo
        {
            IsResourceRequest = true,
            Path = path,
            Verb = verb,
            ApiPrefix = prefix,
            ApiGroup = group,
            ApiVersion = version,
            Namespace = @namespace,
            Resource = resource,
            Subresource = subresource,
            Name = name,
            Parts = rest.ToArray(),
        };
    }

    private static string VerbOf(string method) => method switch
    {
        "POST" => "create",
        "GET" or "HEAD" => "get",
        "PUT" => "update",
        "PATCH" => "patch",
        "DELETE" => "delete",
        _ => "",
    };

    // The apiserver parses query booleans with Go's strconv.ParseBool.
    public static bool IsTrue(string? value) => value is "1" or "t" or "T" or "true" or "TRUE" or "True";
}
