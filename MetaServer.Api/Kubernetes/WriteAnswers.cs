using MetaServer.Data;

namespace MetaServer.Api.Kubernetes;

/// <summary>Turns the writer's verdict into the HTTP answer of a create, update or patch.</summary>
internal static class WriteAnswers
{
    public static IResult ToResult(WriteResult result, int committedCode = StatusCodes.Status200OK) => result switch
    {
        WriteResult.Committed committed => KubeResults.Object(committed.Object.Value, committedCode),
        WriteResult.Unchanged unchanged => KubeResults.Object(unchanged.Object.Value),
        WriteResult.Rejected rejected => KubeResults.Status(rejected.Status),
        _ => throw new InvalidOperationException("unknown write result"),
    };
}
