using System.Globalization;
using MetaServer.Domain.Selection;

namespace MetaServer.Domain.Kubernetes;

/// <summary>Where a watch starts, as the apiserver reads resourceVersion, sendInitialEvents and resourceVersionMatch.</summary>
public enum WatchStart
{
    /// <summary>resourceVersion unset or "0": synthetic ADDED events for the current state, then changes.</summary>
    CurrentState,

    /// <summary>A specific resourceVersion: exactly the changes after it.</summary>
    AfterRevision,

    /// <summary>sendInitialEvents=false with no resourceVersion: only changes from now on.</summary>
    Now,

    /// <summary>sendInitialEvents=true (watch-list): current state, then a BOOKMARK marking its end, then changes.</summary>
    InitialEventsThenBookmark,
}

/// <summary>The query of a watch: selectors, where it starts, bookmarks and its timeout.</summary>
public sealed record WatchOptions(
    LabelSelector Labels,
    FieldSelector Fields,
    WatchStart Start,
    long Revision,
    bool AllowBookmarks,
    int? TimeoutSeconds)
{
    /// <summary>
    /// Parses the watch query. <paramref name="name"/> is the object name of a legacy
    /// <c>/watch/.../name</c> path, which watches that one object.
    /// </summary>
    public static WatchOptions? Parse(Func<string, string?> query, string group, string resource, string name, out KubeStatus? error)
    {
        var fieldText = query("fieldSelector");
        if (name.Length > 0)
        {
            var byName = "metadata.name=" + FieldSelector.Escape(name);
            fieldText = string.IsNullOrEmpty(fieldText) ? byName : fieldText + "," + byName;
        }

        error = null;
        if (!LabelSelector.TryParse(query("labelSelector"), out var labels, out var labelError))
        {
            error = KubeStatus.BadRequest("unable to parse requirement: " + labelError);
            return null;
        }

        if (!FieldSelector.TryParse(fieldText, out var fields, out var fieldError))
        {
            error = KubeStatus.BadRequest("invalid field selector: " + fieldError);
            return null;
        }

        if (SelectableFields.Validate(group, resource, fields) is { } unsupported)
        {
            error = KubeStatus.BadRequest(unsupported);
            return null;
        }

        var rvText = query("resourceVersion");
        long revision = 0;
        if (!string.IsNullOrEmpty(rvText) && !long.TryParse(rvText, NumberStyles.None, CultureInfo.InvariantCulture, out revision))
        {
            error = KubeStatus.BadRequest($"invalid resource version: {rvText}");
            return null;
        }

        var allowBookmarks = RequestInfoParser.IsTrue(query("allowWatchBookmarks"));
        var sendInitialText = query("sendInitialEvents");
        var match = query("resourceVersionMatch");
        WatchStart start;
        if (!string.IsNullOrEmpty(sendInitialText))
        {
            if (match != "NotOlderThan")
            {
                error = KubeStatus.Invalid("meta.k8s.io", "ListOptions", "",
                    [new("FieldValueForbidden", "sendInitialEvents requires resourceVersionMatch=NotOlderThan", "resourceVersionMatch")]);
                return null;
            }

            if (RequestInfoParser.IsTrue(sendInitialText))
            {
                if (!allowBookmarks)
                {
                    error = KubeStatus.Invalid("meta.k8s.io", "ListOptions", "",
                        [new("FieldValueForbidden", "sendInitialEvents requires setting allowWatchBookmarks to true", "allowWatchBookmarks")]);
                    return null;
                }

                start = WatchStart.InitialEventsThenBookmark;
            }
            else
            {
                start = revision == 0 ? WatchStart.Now : WatchStart.AfterRevision;
            }
        }
        else if (!string.IsNullOrEmpty(match))
        {
            error = KubeStatus.Invalid("meta.k8s.io", "ListOptions", "",
                [new("FieldValueForbidden", "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided", "resourceVersionMatch")]);
            return null;
        }
        else
        {
            start = revision == 0 ? WatchStart.CurrentState : WatchStart.AfterRevision;
        }

        int? timeout = null;
        if (query("timeoutSeconds") is { Length: > 0 } timeoutText)
        {
            if (!int.TryParse(timeoutText, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                error = KubeStatus.BadRequest($"invalid timeoutSeconds: {timeoutText}");
                return null;
            }

            timeout = seconds;
        }

        return new WatchOptions(labels, fields, start, revision, allowBookmarks, timeout);
    }
}
