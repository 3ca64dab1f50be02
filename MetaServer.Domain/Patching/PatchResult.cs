using System.Text.Json.Nodes;

namespace MetaServer.Domain.Patching;

/// <summary>The patched document, or why the patch could not be applied.</summary>
public readonly record struct PatchResult(JsonNode? Result, string? Error)
{
    public static PatchResult Ok(JsonNode? result) => new(result, null);

    public static PatchResult Fail(string error) => new(null, error);
}
