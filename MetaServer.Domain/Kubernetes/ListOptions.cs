using System.Globalization;
using MetaServer.Domain.Selection;
using MetaServer.Domain.Storage;

namespace MetaServer.Domain.Kubernetes;

/// <summary>How a list's resourceVersion is to be read (resourceVersionMatch).</summary>
public enum VersionMatch
{
    /// <summary>No resourceVersion: the most recent state. With one, as NotOlderThan.</summary>
    Unset,

    /// <summary>Any state at least as new as the resourceVersion ("0": any state at all).</summary>
    NotOlderThan,

    /// <summary>The state at exactly the resourceVersion.</summary>
    Exact,
}

/// <summary>The query of a list (or deletecollection): selectors, paging and the resourceVersion asked for.</summary>
public sealed record ListOptions(
    LabelSelector Labels,
    FieldSelector Fields,
    int? Limit,
    ContinueToken? Continue,
    long? ResourceVersion,
    VersionMatch Match = VersionMatch.Unset)
{
    /// <summary>Parses the list query parameters, or returns the 400 Status that refuses them.</summary>
    public static ListOptions? Parse(Func<string, string?> query, string group, string resource, int maxLimit, out KubeStatus? error)
    {
        error = null;
        if (!LabelSelector.TryParse(query("labelSelector"), out var labels, out var labelError))
        {
            error = KubeStatus.BadRequest("unable to parse requirement: " + labelError);
            return null;
        }

        if (!FieldSelector.TryParse(query("fieldSelector"), out var fields, out var fieldError))
        {
            error = KubeStatus.BadRequest("invalid field selector: " + fieldError);
            return null;
        }

        if (SelectableFields.Validate(group, resource, fields) is { } unsupported)
        {
            error = KubeStatus.BadRequest(unsupported);
            return null;
        }

        int? limit = null;
        if (query("limit") is { Length: > 0 } limitText)
        {
            if (!long.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                error = KubeStatus.BadRequest($"invalid limit: {limitText}");
                return null;
            }

            // Like the apiserver, a limit of 0 means no limit.
            limit = parsed == 0 ? null : (int)Math.Min(parsed, maxLimit);
        }

        long? resourceVersion = null;
        if (query("resourceVersion") is { Length: > 0 } rvText)
        {
            if (!long.TryParse(rvText, NumberStyles.None, CultureInfo.InvariantCulture, out var rv))
            {
                error = KubeStatus.BadRequest($"invalid resource version: {rvText}");
                return null;
            }

            resourceVersion = rv;
        }

        var match = VersionMatch.Unset;
        switch (query("resourceVersionMatch"))
        {
            case null or "":
                break;
            case "NotOlderThan":
                match = VersionMatch.NotOlderThan;
                break;
            case "Exact":
                match = VersionMatch.Exact;
                break;
            case var other:
                error = InvalidListOptions($"Unsupported value: \"{other}\": supported values: \"Exact\", \"NotOlderThan\"");
                return null;
        }

        if (match != VersionMatch.Unset && resourceVersion is null)
        {
            error = InvalidListOptions("resourceVersionMatch is forbidden unless resourceVersion is provided");
            return null;
        }

        if (match == VersionMatch.Exact && resourceVersion == 0)
        {
            error = InvalidListOptions("resourceVersionMatch \"Exact\" is forbidden for resourceVersion \"0\"");
            return null;
        }

        if (match != VersionMatch.Unset && !string.IsNullOrEmpty(query("continue")))
        {
            error = InvalidListOptions("resourceVersionMatch is forbidden when continue is provided");
            return null;
        }

        ContinueToken? token = null;
        if (query("continue") is { Length: > 0 } continueText)
        {
            if (resourceVersion is not null and not 0)
            {
                error = KubeStatus.BadRequest("specifying resource version is not allowed when using continue");
                return null;
            }

            if (!ContinueToken.TryDecode(continueText, out var decoded, out var continueError))
            {
                error = KubeStatus.BadRequest("continue key is not valid: " + continueError);
                return null;
            }

            token = decoded;
        }

        return new ListOptions(labels, fields, limit, token, resourceVersion, match);
    }

    private static KubeStatus InvalidListOptions(string message) =>
        KubeStatus.Invalid("meta.k8s.io", "ListOptions", "", [new("FieldValueForbidden", message, "resourceVersionMatch")]);
}
