using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MetaServer.Domain.Tables;

/// <summary>
/// Tolerant reads from stored objects: a missing field, a JSON null or a value of the wrong type reads like the zero
/// value of the apiserver's typed field, so a malformed object still prints instead of failing the whole list.
/// </summary>
internal static class JsonFields
{
    // Go's zero time, which metav1.Time treats as "not set".
    private static readonly DateTimeOffset GoZeroTime = new(1, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static JsonObject? Obj(this JsonObject? obj, string name) => obj?[name] as JsonObject;

    public static JsonArray? Arr(this JsonObject? obj, string name) => obj?[name] as JsonArray;

    /// <summary>The string, or null when absent or not a string (a Go <c>*string</c> left nil).</summary>
    public static string? TextOrNull(this JsonObject? obj, string name) =>
        obj?[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    public static string Text(this JsonObject? obj, string name) => obj.TextOrNull(name) ?? "";

    public static long Integer(this JsonObject? obj, string name)
    {
        if (obj?[name] is not JsonValue value || value.GetValueKind() != JsonValueKind.Number)
            return 0;
        if (value.TryGetValue<long>(out var whole))
            return whole;
        if (value.TryGetValue<int>(out var small))
            return small;
        return value.TryGetValue<double>(out var real) ? (long)real : 0;
    }

    public static bool Flag(this JsonObject? obj, string name) =>
        obj?[name] is JsonValue value && value.GetValueKind() == JsonValueKind.True;

    /// <summary>True when the field is present and not null, like a Go pointer that was set.</summary>
    public static bool Has(this JsonObject? obj, string name) => obj?[name] is not null;

    /// <summary>Members of an object field or items of an array field; 0 when absent.</summary>
    public static int CountOf(this JsonObject? obj, string name) => obj?[name] switch
    {
        JsonObject members => members.Count,
        JsonArray items => items.Count,
        _ => 0,
    };

    /// <summary>An RFC 3339 timestamp (seconds or micro-seconds); null when absent, unreadable or Go's zero time.</summary>
    public static DateTimeOffset? Time(this JsonObject? obj, string name) =>
        ParseTime(obj.TextOrNull(name));

    public static DateTimeOffset? ParseTime(string? text)
    {
        if (string.IsNullOrEmpty(text) ||
            !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
            return null;
        return parsed == GoZeroTime ? null : parsed;
    }

    /// <summary>The objects of an array field, skipping anything that is not an object.</summary>
    public static IEnumerable<JsonObject> Objects(this JsonObject? obj, string name)
    {
        if (obj.Arr(name) is not { } items)
            yield break;
        foreach (var item in items)
        {
            if (item is JsonObject member)
                yield return member;
        }
    }

    /// <summary>The strings of an array field, skipping anything that is not a string.</summary>
    public static IEnumerable<string> Strings(this JsonObject? obj, string name)
    {
        if (obj.Arr(name) is not { } items)
            yield break;
        foreach (var item in items)
        {
            if (item is JsonValue value && value.GetValueKind() == JsonValueKind.String)
                yield return value.GetValue<string>();
        }
    }
}
