using System.Text.Json.Nodes;

namespace MetaServer.Domain.Tables;

/// <summary>A label map as the printers show it: "key=value" pairs, sorted as whole pairs, or "&lt;none&gt;".</summary>
internal static class Labels
{
    public static string Format(JsonObject? labels)
    {
        if (labels is null || labels.Count == 0)
            return "<none>";

        // The pairs are sorted, not the keys: "a.b=1" comes before "a=2".
        var pairs = new List<string>(labels.Count);
        foreach (var (key, _) in labels)
            pairs.Add(key + "=" + labels.Text(key));
        pairs.Sort(StringComparer.Ordinal);
        return string.Join(',', pairs);
    }
}
