namespace MetaServer.IntegrationTests.Domain.Selection;

/// <summary>Builds label and field maps from compact test-table text such as <c>app=web;tier=</c>.</summary>
internal static class StringMaps
{
    /// <summary>Pairs are separated by ';' and split at their first '=', so values may contain ',' and '='.</summary>
    public static Dictionary<string, string> Parse(string pairs)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=');
            map.Add(pair[..equals], pair[(equals + 1)..]);
        }
        return map;
    }
}
