using System.Text.Json;
using MetaServer.Data;
using MetaServer.Domain.Kubernetes;

namespace MetaServer.Api.Kubernetes;

/// <summary>
/// Applies a list's selectors to stored rows using the labels and fields extracted at write time, so the
/// object itself is never parsed to decide whether it is listed.
/// </summary>
internal sealed class ObjectMatcher(ListOptions options)
{
    private static readonly Dictionary<string, string> NoValues = [];

    public bool Matches(ObjectCursor cursor) => Matches(cursor.Labels, cursor.Fields);

    public bool Matches(string? labelsJson, string? fieldsJson)
    {
        if (!options.Labels.IsEmpty && !options.Labels.Matches(ToMap(labelsJson)))
        {
            return false;
        }

        return options.Fields.IsEmpty || options.Fields.Matches(ToMap(fieldsJson));
    }

    /// <summary>A flat JSON object of strings (as the writer stores labels and fields) as a dictionary.</summary>
    public static Dictionary<string, string> ToMap(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return NoValues;
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(json));
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName)
            {
                var key = reader.GetString()!;
                reader.Read();
                map[key] = reader.GetString() ?? "";
            }
        }

        return map;
    }
}
