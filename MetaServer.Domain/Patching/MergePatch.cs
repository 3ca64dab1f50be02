using System.Text.Json;
using System.Text.Json.Nodes;

namespace MetaServer.Domain.Patching;

/// <summary>RFC 7386 JSON Merge Patch (application/merge-patch+json): objects merge, null removes, the rest replaces.</summary>
public static class MergePatch
{
    /// <summary>Applies the patch to a copy of <paramref name="target"/>; the target itself is never changed.</summary>
    public static PatchResult Apply(JsonNode? target, ReadOnlySpan<byte> patchUtf8)
    {
        JsonNode? patch;
        try
        {
            patch = JsonNode.Parse(patchUtf8);
        }
        catch (JsonException ex)
        {
            return PatchResult.Fail("the merge patch is not valid JSON: " + ex.Message);
        }

        return PatchResult.Ok(Merge(target?.DeepClone(), patch));
    }

    private static JsonNode? Merge(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target as JsonObject ?? new JsonObject();
        foreach (var (name, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(name);
                continue;
            }

            var existing = result[name];
            result.Remove(name);
            result[name] = Merge(existing, value);
        }

        return result;
    }
}
