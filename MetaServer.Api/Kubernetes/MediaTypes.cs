namespace MetaServer.Api.Kubernetes;

/// <summary>The media types the Kubernetes surface reads and writes.</summary>
internal static class MediaTypes
{
    public const string Json = "application/json";
    public const string Yaml = "application/yaml";
    public const string JsonPatch = "application/json-patch+json";
    public const string MergePatch = "application/merge-patch+json";
    public const string StrategicMergePatch = "application/strategic-merge-patch+json";

    /// <summary>Server-side apply: the body (YAML, or JSON, which is YAML) is the manager's whole configuration.</summary>
    public const string ApplyPatch = "application/apply-patch+yaml";

    public static readonly string[] ObjectBodies = [Json, Yaml];
    public static readonly string[] PatchBodies = [JsonPatch, MergePatch, ApplyPatch, StrategicMergePatch];

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

    /// <summary>What a response may be written as.</summary>
    public enum Format
    {
        Json,
        Table,

        /// <summary>The JSON answer, turned into YAML on its way out (see ResponseShapingStream).</summary>
        Yaml,
    }

    public const string TableV1 = "application/json;as=Table;v=v1;g=meta.k8s.io";

    /// <summary>
    /// Picks the response format from an Accept header the way the apiserver negotiates: the first range we can
    /// serve wins (q-values of 0 excluded); a Table in meta.k8s.io v1 or v1beta1, or plain JSON for
    /// application/json, application/*, */* or no header. Null when nothing offered can be served (406).
    /// </summary>
    public static Format? Negotiate(string? accept)
    {
        if (string.IsNullOrWhiteSpace(accept))
        {
            return Format.Json;
        }

        foreach (var range in accept.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = range.Split(';', StringSplitOptions.TrimEntries);
            string? @as = null, g = null, v = null;
            var excluded = false;
            foreach (var parameter in parts.AsSpan(1))
            {
                var eq = parameter.IndexOf('=', StringComparison.Ordinal);
                if (eq < 0)
                {
                    continue;
                }

                var (key, value) = (parameter[..eq].Trim().ToLowerInvariant(), parameter[(eq + 1)..].Trim());
                switch (key)
                {
                    case "as": @as = value; break;
                    case "g": g = value; break;
                    case "v": v = value; break;
                    case "q": excluded = value is "0" or "0.0" or "0.00" or "0.000"; break;
                }
            }

            var essence = parts[0].ToLowerInvariant();
            if (!excluded && essence == Yaml && @as is null)
            {
                return Format.Yaml;
            }

            if (excluded || essence is not ("application/json" or "application/*" or "*/*"))
            {
                continue;
            }

            if (@as is null)
            {
                return Format.Json;
            }

            if (@as == "Table" && g == "meta.k8s.io" && v is "v1" or "v1beta1")
            {
                return Format.Table;
            }
        }

        return null;
    }
}
