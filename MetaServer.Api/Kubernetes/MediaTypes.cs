namespace MetaServer.Api.Kubernetes;

/// <summary>The media types the Kubernetes surface reads and writes.</summary>
internal static class MediaTypes
{
    public const string Json = "application/json";
    public const string Yaml = "application/yaml";
    public const string Protobuf = Domain.Protobuf.KubeProtobuf.MediaType;
    public const string ProtobufWatch = Protobuf + ";stream=watch";
    public const string JsonPatch = "application/json-patch+json";
    public const string MergePatch = "application/merge-patch+json";
    public const string StrategicMergePatch = "application/strategic-merge-patch+json";

    /// <summary>Server-side apply: the body (YAML, or JSON, which is YAML) is the manager's whole configuration.</summary>
    public const string ApplyPatch = "application/apply-patch+yaml";

    public static readonly string[] ObjectBodies = [Json, Yaml, Protobuf];
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

        /// <summary>application/vnd.kubernetes.protobuf: only for kinds in the wire table (see ProtobufExchange).</summary>
        Protobuf,
    }

    public const string TableV1 = "application/json;as=Table;v=v1;g=meta.k8s.io";

    /// <summary>
    /// Picks the response format from an Accept header the way the apiserver negotiates: ranges by q-value (highest
    /// first, q=0 excluded; ties keep their order), the first we can serve wins: a Table in meta.k8s.io v1 or
    /// v1beta1, YAML, protobuf when <paramref name="protobuf"/> (the kind has a protobuf form), or plain JSON for
    /// application/json, application/*, */* or no header. Null when nothing offered can be served (406).
    /// </summary>
    public static Format? Negotiate(string? accept, bool protobuf = false)
    {
        if (string.IsNullOrWhiteSpace(accept))
        {
            return Format.Json;
        }

        var ranges = new List<(Format? Format, double Q)>();
        foreach (var range in accept.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = range.Split(';', StringSplitOptions.TrimEntries);
            string? @as = null, g = null, v = null;
            var q = 1.0;
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
                    case "q": q = double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var parsed) ? parsed : 0; break;
                }
            }

            if (q > 0)
            {
                ranges.Add((Servable(parts[0].ToLowerInvariant(), @as, g, v, protobuf), q));
            }
        }

        // A stable sort: OrderByDescending keeps the header's order among equal q-values.
        foreach (var (format, _) in ranges.OrderByDescending(r => r.Q))
        {
            if (format is not null)
            {
                return format;
            }
        }

        return null;
    }

    private static Format? Servable(string essence, string? @as, string? g, string? v, bool protobuf)
    {
        if (essence == Yaml && @as is null)
        {
            return Format.Yaml;
        }

        if (essence == Protobuf && @as is null)
        {
            return protobuf ? Format.Protobuf : null;
        }

        if (essence is not ("application/json" or "application/*" or "*/*"))
        {
            return null;
        }

        if (@as is null)
        {
            return Format.Json;
        }

        return @as == "Table" && g == "meta.k8s.io" && v is "v1" or "v1beta1" ? Format.Table : null;
    }
}
