namespace MetaServer.Api.Kubernetes;

/// <summary>The media types the Kubernetes surface reads and writes.</summary>
internal static class MediaTypes
{
    public const string Json = "application/json";
    public const string JsonPatch = "application/json-patch+json";
    public const string MergePatch = "application/merge-patch+json";
    public const string StrategicMergePatch = "application/strategic-merge-patch+json";
    public const string ApplyPatch = "application/apply-patch+yaml";

    public static readonly string[] ObjectBodies = [Json];
    public static readonly string[] PatchBodies = [JsonPatch, MergePatch];

    /// <summary>The bare media type of a Content-Type header, lower-case, without parameters.</summary>
    public static string Essence(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return "";
        }

        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        var bare = semicolon < 0 ? contentType : contentType[..semicolon];
        return bare.Trim().ToLowerInvariant();
    }

    /// <summary>
    /// Whether an Accept header lets us answer JSON. Absent, */*, application/*, and application/json in any
    /// form (also with as=Table, which we answer with the plain object, like servers without table support).
    /// </summary>
    public static bool AcceptsJson(string? accept)
    {
        if (string.IsNullOrWhiteSpace(accept))
        {
            return true;
        }

        foreach (var range in accept.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var essence = Essence(range);
            if (essence is "*/*" or "application/*" or Json)
            {
                return true;
            }
        }

        return false;
    }
}
