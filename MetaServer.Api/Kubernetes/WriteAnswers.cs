using MetaServer.Data;

namespace MetaServer.Api.Kubernetes;

/// <summary>Turns the writer's verdict into the HTTP answer of a create, update or patch.</summary>
internal static class WriteAnswers
{
    /// <summary>The dryRun query value: absent, or "All" (the only value the apiserver knows); else a 400.</summary>
    public static bool? DryRun(ApiRequest request, out Domain.Kubernetes.KubeStatus? error)
    {
        error = null;
        var values = request.Http.Request.Query["dryRun"];
        if (values.Count == 0)
        {
            return false;
        }

        foreach (var value in values)
        {
            if (value != "All")
            {
                error = Domain.Kubernetes.KubeStatus.BadRequest($"Unsupported value: \"{value}\" for dryRun: supported values: \"All\"");
                return null;
            }
        }

        return true;
    }

    public static IResult ToResult(WriteResult result, int committedCode = StatusCodes.Status200OK) => result switch
    {
        WriteResult.Committed committed => KubeResults.Object(committed.Object.Value, committedCode),
        WriteResult.WouldCommit dryRun => KubeResults.Object(dryRun.Object.Value, committedCode),
        WriteResult.Unchanged unchanged => KubeResults.Object(unchanged.Object.Value),
        WriteResult.Rejected rejected => KubeResults.Status(rejected.Status),
        _ => throw new InvalidOperationException("unknown write result"),
    };
}
